// The passphrase rule for encryption at rest: a weak passphrase is refused with the reason, since the scrypt cost
// only multiplies the work of guessing; it cannot save a passphrase that is among the first guesses.
// Pure: the store applies it, the UI shows its reasons as they are.

/** Passphrases shorter than this are refused whatever they contain (four short words are longer). */
export const MIN_PASSPHRASE_LENGTH = 12;
/** The estimated guessing work a passphrase must reach, in bits. */
export const MIN_PASSPHRASE_BITS = 50;

/** Words that guessers try first, alone or with digits and symbols added. */
const COMMON = [
  'password',
  'passphrase',
  'passwort',
  'motdepasse',
  'facelocal',
  'letmein',
  'iloveyou',
  'welcome',
  'admin',
  'qwerty',
  'azerty',
  'qwertz',
  'secret',
  'monkey',
  'dragon',
  'football',
  'baseball',
  'sunshine',
  'princess',
  'master',
  'login',
  'abc',
  'test',
  'changeme',
  'default',
  'trustno1',
  'starwars',
  'whatever',
  'shadow',
  'superman',
  'batman',
];
const SEQUENCES = [
  'abcdefghijklmnopqrstuvwxyz',
  '01234567890',
  'qwertyuiopasdfghjklzxcvbnm',
  'azertyuiopqsdfghjklmwxcvbn',
  'qwertzuiopasdfghjklyxcvbnm',
];

/** Why a passphrase is too weak, in words for people; empty when it is acceptable. */
export function passphraseProblems(passphrase: string): string[] {
  const p = passphrase.normalize('NFKC');
  const problems: string[] = [];
  if (p.trim().length < MIN_PASSPHRASE_LENGTH) {
    problems.push(
      `It is too short: use at least ${MIN_PASSPHRASE_LENGTH} characters (four unrelated words are easy to remember and long enough).`,
    );
  }
  const lower = p.toLocaleLowerCase();
  const letters = lower.replace(/[^\p{L}]/gu, '');
  if (letters && COMMON.some((w) => letters === w || (letters.replace(w, '').length <= 2 && letters.includes(w)))) {
    problems.push('It is a common password with small changes: guessers try those first.');
  }
  if (isSequenceOrRepeat(lower))
    problems.push('It is a keyboard or alphabet sequence, or one thing repeated: guessers try those first.');
  if (problems.length === 0 && estimatedBits(p) < MIN_PASSPHRASE_BITS) {
    problems.push('It is too easy to guess: add another word or two, or mix in digits and symbols.');
  }
  return problems;
}

/** True when the passphrase is mostly one run of a sequence (abcd…, 1234…, qwerty…) or a repeated chunk. */
function isSequenceOrRepeat(lower: string): boolean {
  const s = lower.replace(/\s+/g, '');
  if (s.length === 0) return false;
  for (let size = 1; size <= s.length / 2; size++) {
    if (s.length % size === 0 && s.slice(0, size).repeat(s.length / size) === s) return true;
  }
  // The longest stretch that runs along a sequence, forwards or backwards.
  let longest = 1;
  for (const seq of SEQUENCES) {
    for (const line of [seq, [...seq].reverse().join('')]) {
      let run = 1;
      for (let i = 1; i < s.length; i++) {
        const at = line.indexOf(s[i - 1]);
        run = at >= 0 && line[at + 1] === s[i] ? run + 1 : 1;
        longest = Math.max(longest, run);
      }
    }
  }
  return longest >= Math.max(4, s.length * 0.6);
}

/**
 * A deliberately cautious estimate of guessing work: the character pool the passphrase draws on, raised to the
 * number of characters that are not repeats of the one before, with words counted as a dictionary would.
 */
export function estimatedBits(passphrase: string): number {
  let pool = 0;
  if (/[a-z]/.test(passphrase)) pool += 26;
  if (/[A-Z]/.test(passphrase)) pool += 26;
  if (/[0-9]/.test(passphrase)) pool += 10;
  if (/[^A-Za-z0-9\s]/.test(passphrase)) pool += 33;
  if (/\s/.test(passphrase)) pool += 1;
  let effective = 0;
  for (let i = 0; i < passphrase.length; i++) if (passphrase[i] !== passphrase[i - 1]) effective++;
  const byCharacters = effective * Math.log2(Math.max(pool, 2));
  // Separate words: each at least as good as one pick from a large dictionary, no more.
  const words = passphrase
    .trim()
    .split(/\s+/)
    .filter((w) => w.length >= 3);
  const byWords = words.length >= 2 ? words.length * Math.log2(20_000) : byCharacters;
  return Math.min(byCharacters, Math.max(byWords, byCharacters * 0.5));
}
