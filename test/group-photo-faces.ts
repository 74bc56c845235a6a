// Hand counts of the faces in ../shared/faces/_group, each face marked by a point near its centre (nose), in the
// photo's own pixels. Counted by looking at every photo: a face counts when at least its eyes and mouth are in the
// picture, turned or blurred or cut by the frame included; the back of a head does not. Used by the detection
// recall test (test/browser/group-recall.test.ts) and bench/group-recall.ts.
import type { Box } from '../src/core/detection-geometry';

export interface GroupPhoto {
  file: string;
  /** Hand count of faces in the photo. */
  faces: number;
  /** One point per face, [x, y] in the photo's pixels. */
  centres: [number, number][];
  note: string;
}

export const GROUP_PHOTOS: GroupPhoto[] = [
  {
    file: '_group/deepface_couple.jpg',
    faces: 2,
    centres: [
      [572, 866],
      [1663, 728],
    ],
    note: 'two large faces, 2280x1588',
  },
  {
    file: '_group/deepface_selfie-many-people.jpg',
    faces: 7,
    centres: [
      [35, 290],
      [15, 470],
      [145, 345],
      [265, 185],
      [430, 210],
      [570, 150],
      [555, 420],
    ],
    note: 'a selfie of seven: a large face in front, two cut by the left edge',
  },
  {
    file: '_group/faceapi_bbt1.jpg',
    faces: 4,
    centres: [
      [255, 205],
      [520, 215],
      [775, 190],
      [1048, 160],
    ],
    note: 'four on a sofa, 1366x768',
  },
  {
    file: '_group/faceapi_bbt2.jpg',
    faces: 3,
    centres: [
      [115, 150],
      [430, 145],
      [20, 110],
    ],
    note: 'two at a table, one in the background cut by the left edge (three more show the backs of their heads)',
  },
  {
    file: '_group/faceapi_bbt3.jpg',
    faces: 5,
    centres: [
      [62, 60],
      [178, 110],
      [283, 130],
      [390, 135],
      [512, 122],
    ],
    note: 'five in a row, small',
  },
  {
    file: '_group/faceapi_bbt4.jpg',
    faces: 6,
    centres: [
      [112, 80],
      [280, 95],
      [612, 100],
      [100, 310],
      [298, 280],
      [518, 245],
    ],
    note: 'six in two rows',
  },
  {
    file: '_group/faceapi_bbt5.jpg',
    faces: 5,
    centres: [
      [152, 205],
      [263, 80],
      [483, 170],
      [625, 90],
      [760, 150],
    ],
    note: 'five, heads tilted',
  },
  {
    file: '_group/facerec_kit_with_rose.jpg',
    faces: 2,
    centres: [
      [115, 150],
      [310, 130],
    ],
    note: 'two, full length',
  },
  {
    file: '_group/facerec_obama_and_biden.jpg',
    faces: 3,
    centres: [
      [858, 495],
      [1229, 464],
      [1716, 1082],
    ],
    note: 'two waving, a girl looking down at the lower right, 2000x1428',
  },
  {
    file: '_group/facerec_two_people.jpg',
    faces: 2,
    centres: [
      [305, 125],
      [855, 145],
    ],
    note: 'two side by side',
  },
  {
    file: '_group/squoosh_example.webp',
    faces: 2,
    centres: [
      [1015, 491],
      [1852, 347],
    ],
    note: 'two: one clear, one blurred and turned away, 2558x1348',
  },
];

/** Faces found: each hand-marked centre that lies inside a detected box, each box used once. */
export function facesFound(photo: GroupPhoto, boxes: Box[]): number {
  const free = [...boxes];
  let found = 0;
  for (const [x, y] of photo.centres) {
    const i = free.findIndex((b) => x >= b.x && x <= b.x + b.width && y >= b.y && y <= b.y + b.height);
    if (i >= 0) {
      found++;
      free.splice(i, 1);
    }
  }
  return found;
}
