// A photo with a labelled box over each face. Boxes come in the photo's pixel coordinates and are placed in
// percentages, so they stay on the faces at any displayed size. Labels never cover one another: each is tried
// above its box, below it, then inside it, and shortened to its number (the list below names it) when none is free;
// placement is redone whenever the photo's displayed size changes.
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { IdentifiedFace } from '../index';
import { count } from './messages';
import { matchLabel, matchTag } from './match-words';
import { faceBoxStyles } from './shared-styles';

const PLACES = ['above', 'below', 'inside'] as const;
const SIDES = ['left', 'right'] as const;

@customElement('face-overlay')
export class FaceOverlay extends LitElement {
  static styles = [
    faceBoxStyles,
    css`
      :host {
        display: block;
      }
      .frame {
        position: relative;
        display: inline-block;
        max-width: 100%;
      }
      img {
        display: block;
        max-width: 100%;
        max-height: 70vh;
      }
      .tag[data-place='below'] {
        bottom: auto;
        top: 100%;
      }
      .tag[data-place='inside'] {
        bottom: auto;
        top: 0;
        left: 0;
      }
      .tag[data-side='right'] {
        left: auto;
        right: -3px;
      }
      .tag[data-place='inside'][data-side='right'] {
        right: 0;
      }
      .tag .short {
        display: none;
      }
      .tag[data-short] .short {
        display: inline;
      }
      .tag[data-short] .long {
        display: none;
      }
      .box.unknown .tag {
        background: #b34700;
      }
      .box.possible {
        border-color: #8a6d00;
        border-style: dashed;
      }
      .box.possible .tag {
        background: #8a6d00;
      }
    `,
  ];

  @property({ attribute: false }) src = '';
  @property({ type: Number }) width = 0;
  @property({ type: Number }) height = 0;
  @property({ attribute: false }) faces: IdentifiedFace[] = [];
  private resizes = new ResizeObserver(() => this.placeTags());

  connectedCallback(): void {
    super.connectedCallback();
    this.resizes.observe(this);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizes.disconnect();
  }

  protected updated(): void {
    this.placeTags();
  }

  /** Greedy, left to right: the first place (full label, then number only) that covers no label already placed. */
  private placeTags() {
    const tags = [...this.renderRoot.querySelectorAll<HTMLElement>('.tag')];
    const placed: DOMRect[] = [];
    const frame = this.renderRoot.querySelector('.frame')?.getBoundingClientRect();
    if (!frame) return;
    // Inside the photo (so a label never widens the page) and clear of every label placed before.
    const free = (r: DOMRect) =>
      r.left >= frame.left - 4 &&
      r.right <= frame.right + 4 &&
      r.top >= frame.top - 1 &&
      r.bottom <= frame.bottom + 1 &&
      placed.every((p) => r.right <= p.left || r.left >= p.right || r.bottom <= p.top || r.top >= p.bottom);
    const order = tags.map((t, i) => ({ t, x: Number(t.dataset.x) || i })).sort((a, b) => a.x - b.x);
    for (const { t } of order) {
      let rect: DOMRect | null = null;
      search: for (const short of [false, true]) {
        t.toggleAttribute('data-short', short);
        for (const place of PLACES) {
          for (const side of SIDES) {
            t.dataset.place = place;
            t.dataset.side = side;
            const r = t.getBoundingClientRect();
            if (free(r)) {
              rect = r;
              break search;
            }
          }
        }
      }
      placed.push(rect ?? t.getBoundingClientRect());
    }
  }

  render() {
    const pct = (v: number, of: number) => `${(100 * v) / of}%`;
    return html`
      <div class="frame">
        <img
          src=${this.src}
          alt="The photo, with ${count(this.faces.length, 'face')} marked"
          @load=${() => this.placeTags()}
        />
        ${this.faces.map((f, i) => {
          const m = f.match;
          const score = m.kind === 'unknown' ? m.bestScore : m.score;
          const tag = matchTag(m);
          return html`<div
            class="box ${m.kind === 'known' ? '' : m.kind}"
            data-testid="face-box"
            data-label=${matchLabel(m)}
            data-score=${score === null ? '' : score.toFixed(4)}
            style="left:${pct(f.box.x, this.width)};top:${pct(f.box.y, this.height)};width:${pct(f.box.width, this.width)};height:${pct(f.box.height, this.height)}"
          >
            <span class="tag" data-testid="face-tag" data-x=${f.box.x} title=${tag}
              ><span class="long">${i + 1}. ${tag}</span><span class="short">${i + 1}</span></span
            >
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
