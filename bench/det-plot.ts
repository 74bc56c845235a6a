// A DET curve (false non-match rate against false-match rate, both on log axes) as a self-contained SVG: people
// read curves faster than tables. Pure string building, no dependencies.
import type { OperatingPoint } from '../src/core/score-histogram';

export interface Curve {
  label: string;
  points: readonly OperatingPoint[];
}

const W = 720,
  H = 520,
  LEFT = 70,
  RIGHT = 20,
  TOP = 40,
  BOTTOM = 60;
const X_DECADES = [-7, 0] as const; // FMR 1e-7 .. 1
const Y_DECADES = [-4, 0] as const; // FNMR 1e-4 .. 1
const COLOURS = ['#1f5fbf', '#2e9e57', '#c2410c', '#7c3aed'];

const xOf = (fmr: number) =>
  LEFT +
  ((Math.log10(Math.max(fmr, 10 ** X_DECADES[0])) - X_DECADES[0]) / (X_DECADES[1] - X_DECADES[0])) * (W - LEFT - RIGHT);
const yOf = (fnmr: number) =>
  TOP +
  (1 - (Math.log10(Math.max(fnmr, 10 ** Y_DECADES[0])) - Y_DECADES[0]) / (Y_DECADES[1] - Y_DECADES[0])) *
    (H - TOP - BOTTOM);
const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function detSvg(curves: readonly Curve[], title: string): string {
  const grid: string[] = [];
  for (let d = X_DECADES[0]; d <= X_DECADES[1]; d++) {
    const x = xOf(10 ** d);
    grid.push(
      `<line x1="${x}" y1="${TOP}" x2="${x}" y2="${H - BOTTOM}" stroke="#ddd"/><text x="${x}" y="${H - BOTTOM + 18}" text-anchor="middle">1e${d}</text>`,
    );
  }
  for (let d = Y_DECADES[0]; d <= Y_DECADES[1]; d++) {
    const y = yOf(10 ** d);
    grid.push(
      `<line x1="${LEFT}" y1="${y}" x2="${W - RIGHT}" y2="${y}" stroke="#ddd"/><text x="${LEFT - 8}" y="${y + 4}" text-anchor="end">1e${d}</text>`,
    );
  }
  const lines = curves.map((c, i) => {
    // Only points with at least one impostor above: below that the FMR is not measured, just zero.
    const pts = c.points
      .filter((p) => p.falseMatchRate > 0)
      .map((p) => `${xOf(p.falseMatchRate).toFixed(1)},${yOf(p.falseNonMatchRate).toFixed(1)}`);
    const colour = COLOURS[i % COLOURS.length];
    return (
      `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.join(' ')}"/>` +
      `<rect x="${W - RIGHT - 250}" y="${TOP + 12 + 20 * i}" width="14" height="4" fill="${colour}"/>` +
      `<text x="${W - RIGHT - 230}" y="${TOP + 18 + 20 * i}">${escape(c.label)}</text>`
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">` +
    `<rect width="100%" height="100%" fill="white"/>` +
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${escape(title)}</text>` +
    grid.join('') +
    `<rect x="${LEFT}" y="${TOP}" width="${W - LEFT - RIGHT}" height="${H - TOP - BOTTOM}" fill="none" stroke="#444"/>` +
    lines.join('') +
    `<text x="${(LEFT + W - RIGHT) / 2}" y="${H - 15}" text-anchor="middle">false-match rate (impostor pairs accepted)</text>` +
    `<text transform="translate(18 ${(TOP + H - BOTTOM) / 2}) rotate(-90)" text-anchor="middle">false non-match rate (genuine pairs rejected)</text>` +
    `</svg>\n`
  );
}
