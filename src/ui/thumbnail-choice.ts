// The face-thumbnail choice in words, shared by the first-run question (People) and the setting (Your data), so
// both say exactly what each choice means.
export const THUMBNAIL_CHOICES: { value: 'keep' | 'drop'; label: string; means: string }[] = [
  {
    value: 'drop',
    label: 'Templates only',
    means:
      'no picture of any face is stored, only the numbers needed to recognise it. The people list shows initials on a colour; recognition works exactly the same. Less is kept about each person.',
  },
  {
    value: 'keep',
    label: 'Keep face thumbnails',
    means:
      "a small (96×96) picture of each enrolled face is stored beside its template, so you can see who is enrolled and spot a wrong photo. It is an image of the person's face, kept as long as they are.",
  },
];
