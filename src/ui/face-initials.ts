// Stands in for a face picture when the gallery keeps none (data minimisation): the person's initials on a colour
// derived from their id, so people stay easy to tell apart without any image of a face. Dark enough for white
// text at 4.5:1 on every hue.
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';

@customElement('face-initials')
export class FaceInitials extends LitElement {
  static styles = css`
    :host {
      display: inline-block;
      flex: none;
    }
    span {
      display: flex;
      align-items: center;
      justify-content: center;
      border-radius: 6px;
      color: #fff;
      font-weight: 700;
      user-select: none;
    }
  `;

  @property() name = '';
  /** A stable id (the person's): the same person always gets the same colour. */
  @property() seed = '';
  @property({ type: Number }) size = 64;

  render() {
    const style = `width:${this.size}px;height:${this.size}px;font-size:${Math.round(this.size * 0.38)}px;background:hsl(${hueOf(this.seed || this.name)} 45% 32%)`;
    return html`<span
      role="img"
      aria-label=${this.name ? `${this.name} (no picture kept)` : 'No picture kept'}
      data-testid="face-initials"
      style=${style}
      >${initialsOf(this.name)}</span
    >`;
  }
}

export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = [...words[0]][0] ?? '';
  const last = words.length > 1 ? ([...words[words.length - 1]][0] ?? '') : '';
  return (first + last).toLocaleUpperCase();
}

function hueOf(seed: string): number {
  let h = 0;
  for (const c of seed) h = (h * 31 + (c.codePointAt(0) ?? 0)) % 360;
  return h;
}

declare global {
  interface HTMLElementTagNameMap {
    'face-initials': FaceInitials;
  }
}
