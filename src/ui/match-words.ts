// A face's match as its box shows it, one way for a photo (face-overlay) and the live camera (live-camera).
import type { FaceMatch } from '../index';

/** The box's data-label, which tests and styles key on: the name when named, else the kind. */
export function matchLabel(m: FaceMatch): string {
  return m.kind === 'known' ? m.name : m.kind;
}

/** The box's tag: the name when named, "Name?" for a possible match (never a name given), else "Unknown". */
export function matchTag(m: FaceMatch): string {
  return m.kind === 'known' ? m.name : m.kind === 'possible' ? `${m.name}?` : 'Unknown';
}
