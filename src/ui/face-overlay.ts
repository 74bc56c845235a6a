// A photo with a labelled box over each face. Boxes come in the photo's pixel coordinates and are placed in
// percentages, so they stay on the faces at any displayed size.
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { IdentifiedFace } from '../index';

@customElement('face-overlay')
export class FaceOverlay extends LitElement {
  static styles = css`
    :host { display: block; }
    .frame { position: relative; display: inline-block; max-width: 100%; }
    img { display: block; max-width: 100%; max-height: 70vh; }
    .box { position: absolute; border: 3px solid #19a974; box-sizing: border-box; border-radius: 4px; }
    .box.unknown { border-color: #ff6f00; }
    .tag { position: absolute; left: -3px; bottom: 100%; white-space: nowrap; font-size: 0.8rem; padding: 0 0.3rem;
      background: #19a974; color: white; border-radius: 3px 3px 0 0; }
    .box.unknown .tag { background: #ff6f00; }
    .box.possible { border-color: #8a6d00; border-style: dashed; }
    .box.possible .tag { background: #8a6d00; }
  `;

  @property({ attribute: false }) src = '';
  @property({ type: Number }) width = 0;
  @property({ type: Number }) height = 0;
  @property({ attribute: false }) faces: IdentifiedFace[] = [];

  render() {
    const pct = (v: number, of: number) => `${(100 * v) / of}%`;
    return html`
      <div class="frame">
        <img src=${this.src} alt="The photo, with ${this.faces.length} face${this.faces.length === 1 ? '' : 's'} marked" />
        ${this.faces.map((f) => {
          const m = f.match;
          const label = m.kind === 'known' ? m.name : m.kind;
          const score = m.kind === 'unknown' ? m.bestScore : m.score;
          const tag = m.kind === 'known' ? `${m.name} ${m.reading.similarityPercent}%` : m.kind === 'possible' ? `${m.name}? check` : 'Unknown';
          return html`<div class="box ${m.kind === 'known' ? '' : m.kind}" data-testid="face-box" data-label=${label} data-score=${score === null ? '' : score.toFixed(4)}
            style="left:${pct(f.box.x, this.width)};top:${pct(f.box.y, this.height)};width:${pct(f.box.width, this.width)};height:${pct(f.box.height, this.height)}">
            <span class="tag">${tag}</span>
          </div>`;
        })}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'face-overlay': FaceOverlay;
  }
}
