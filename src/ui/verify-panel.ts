// 1:1 — do these two photos show the same person?
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Matcher, VerifyResult } from '../index';
import { alertMessage, messageFor, type UserMessage } from './messages';
import { panelStyles } from './shared-styles';
import './photo-picker';
import { MAX_IMAGE_PIXELS, declaredImageSize, sniffImageType } from '../index';
import type { PhotosSelectedEvent } from './events';

type Side = 'a' | 'b';

/** Enough of a file for any header's size (a JPEG's frame header can follow tens of KB of EXIF). */
const HEADER_BYTES = 256 * 1024;

async function previewable(file: File): Promise<boolean> {
  const head = new Uint8Array(
    await file
      .slice(0, HEADER_BYTES)
      .arrayBuffer()
      .catch(() => new ArrayBuffer(0)),
  );
  const type = sniffImageType(head.subarray(0, 32));
  const size = type ? declaredImageSize(head, type) : null;
  return size !== null && size.width * size.height <= MAX_IMAGE_PIXELS;
}

@customElement('verify-panel')
export class VerifyPanel extends LitElement {
  static styles = [
    panelStyles,
    css`
      .pair {
        display: flex;
        flex-wrap: wrap;
        gap: 1rem;
      }
      .side {
        flex: 1 1 16rem;
        min-width: 0;
      }
      .side img {
        max-width: 100%;
        max-height: 240px;
        display: block;
        margin-top: 0.5rem;
        border-radius: 6px;
      }
      .verdict {
        font-size: 1.1rem;
        font-weight: 600;
      }
    `,
  ];

  @property({ attribute: false }) matcher!: Matcher;
  @state() private files: Record<Side, File | null> = { a: null, b: null };
  @state() private previews: Record<Side, string> = { a: '', b: '' };
  @state() private busy = false;
  @state() private result: VerifyResult | null = null;
  @state() private message: UserMessage | null = null;

  disconnectedCallback(): void {
    super.disconnectedCallback();
    Object.values(this.previews).forEach((u) => u && URL.revokeObjectURL(u));
  }

  private async choose(side: Side, e: PhotosSelectedEvent) {
    const [file] = e.files;
    if (this.previews[side]) URL.revokeObjectURL(this.previews[side]);
    this.files = { ...this.files, [side]: file };
    this.previews = { ...this.previews, [side]: '' };
    this.result = null;
    this.message = null;
    // The preview is decoded here, on the page: only a photo whose header declares a size within the limit is
    // shown (a decompression bomb is refused by the detector with its reason, never decoded).
    if ((await previewable(file)) && this.files[side] === file)
      this.previews = { ...this.previews, [side]: URL.createObjectURL(file) };
  }

  private async verify() {
    const { a, b } = this.files;
    if (!a || !b) return;
    this.busy = true;
    this.result = null;
    this.message = null;
    try {
      this.result = await this.matcher.verify(a, b);
    } catch (error) {
      this.message = messageFor(error);
    } finally {
      this.busy = false;
    }
  }

  private side(side: Side, label: string) {
    return html`<div class="side">
      <photo-picker
        label=${label}
        testid="verify-photo-${side}"
        ?disabled=${this.busy}
        @photos-selected=${(e: PhotosSelectedEvent) => this.choose(side, e)}
      ></photo-picker>
      ${this.previews[side] ? html`<img src=${this.previews[side]} alt="${label} (chosen)" />` : nothing}
    </div>`;
  }

  render() {
    const r = this.result;
    return html`
      <h2>Same person?</h2>
      <p>Choose two photos, each showing one face.</p>
      <div class="pair">${this.side('a', 'First photo')}${this.side('b', 'Second photo')}</div>
      <div class="row">
        <button
          type="button"
          data-testid="verify-submit"
          ?disabled=${this.busy || !this.files.a || !this.files.b}
          @click=${this.verify}
        >
          Compare
        </button>
        ${this.busy ? html`<span class="busy" role="status">Comparing…</span>` : nothing}
      </div>
      ${alertMessage(this.message)}
      ${
        r
          ? html`<div class="message info" role="status" data-testid="verify-result" data-match=${String(r.isMatch)}>
              <div class="verdict">${r.isMatch ? 'Same person' : 'Different people'}</div>
              <div>
                ${
                  r.isMatch
                    ? `These faces are as alike as photos of one person are: ${r.reading.explanation}.`
                    : 'These faces are not alike enough to be one person.'
                }
              </div>
            </div>`
          : nothing
      }
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'verify-panel': VerifyPanel;
  }
}
