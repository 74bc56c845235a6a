// Builds an LFW-style pairs list (10 folds; each fold: N same-person pairs, then N different-person pairs) from
// any set of identities. As in LFW, folds are disjoint in people, so a fold's threshold is always chosen on other
// people. Deterministic for a given seed. Pure: bench/make-pairs.ts does the file work.
import { seededRandom } from './seeded-random';

export interface Identity {
  name: string;
  /** How many photos the identity has; photos are numbered 1..count, as in LFW. */
  count: number;
}

export interface PairsSet {
  folds: number;
  perFold: number;
  /** pairs.txt lines after the header: "name i j" (same) or "name i other j" (different). */
  lines: string[];
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const genuineCount = (n: number) => (n * (n - 1)) / 2;

/**
 * Deals identities to folds so that same-person pairs are spread as evenly as possible: largest first, each to the
 * fold with the fewest so far (ties broken by a seeded shuffle, so the split is reproducible).
 */
export function assignFolds(identities: readonly Identity[], folds: number, random: () => number): Identity[][] {
  const order = shuffled(identities, random).sort((a, b) => genuineCount(b.count) - genuineCount(a.count));
  const out: Identity[][] = Array.from({ length: folds }, () => []);
  const load = new Array<number>(folds).fill(0);
  for (const identity of order) {
    const f = load.indexOf(Math.min(...load));
    out[f].push(identity);
    load[f] += genuineCount(identity.count);
  }
  return out;
}

/** As many same and different pairs per fold as every fold allows, sampled without repeats. */
export function makePairs(identities: readonly Identity[], options: { folds?: number; seed?: number } = {}): PairsSet {
  const folds = options.folds ?? 10;
  const random = seededRandom(options.seed ?? 1);
  const usable = identities.filter((i) => i.count > 0);
  const byFold = assignFolds(usable, folds, random);
  const same = byFold.map((people) =>
    people.flatMap((p) =>
      Array.from({ length: p.count }, (_, i) => i + 1).flatMap((i) =>
        Array.from({ length: p.count - i }, (_, k) => `${p.name} ${i} ${i + k + 1}`),
      ),
    ),
  );
  const different = byFold.map((people) =>
    people.flatMap((p, a) =>
      people
        .slice(a + 1)
        .flatMap((q) =>
          Array.from({ length: p.count }, (_, i) => i + 1).flatMap((i) =>
            Array.from({ length: q.count }, (_, j) => `${p.name} ${i} ${q.name} ${j + 1}`),
          ),
        ),
    ),
  );
  const perFold = Math.min(...same.map((s) => s.length), ...different.map((d) => d.length));
  if (perFold < 1)
    throw new Error(`too few people or photos for ${folds} folds with at least one same and one different pair each`);
  const lines = byFold.flatMap((_, f) => [
    ...shuffled(same[f], random).slice(0, perFold),
    ...shuffled(different[f], random).slice(0, perFold),
  ]);
  return { folds, perFold, lines };
}
