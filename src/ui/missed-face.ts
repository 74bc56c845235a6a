// Add a face the detector missed: pick one of the imported photos again, drag a box around the face on it, and
// Facelocal finds and aligns the face inside the box, embeds it and groups it like any other, or says that no face
// can be read there. The photo is read from the file picked now; nothing of it is kept but the face.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Box, Matcher } from '../index';
import { messageFor, type UserMessage } from './messages';
import { cardStyles, panelStyles } from './shared-styles';
import { FaceAddedEvent } from './events';

@customElement('missed-face')
export class MissedFace extends LitElement {
  static styles = [
    panelStyles,
    cardStyles,
    css`
      canvas {
        max-width: 100%;
        height: auto;
        cursor: crosshair;
        touch-action: none;
        display: block;
        margin: 0.5rem 0;
      }
    `,
  ];

  @property({ attribute: false }) matcher!: Matcher;
  @property() jobId = '';
  @state() private photo: File | null = null;
  @state() private box: Box | null = null;
  @state() private busy = false;
  @state() private message: UserMessage | null = null;
  @state() private notice = '';
  /** The folder picked again (photos imported from a folder are known by their path in it), by path. */
  @state() private folder: File[] = [];
  private bitmap: ImageBitmap | null = null;
  private dragFrom: [number, number] | null = null;

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.bitmap?.close();
  }

  private onFolder(e: Event) {
    const input = e.target as HTMLInputElement;
    this.folder = Array.from(input.files ?? [])
      .filter((f) => f.type.startsWith('image/') || /\.(jpe?g|png|webp|gif|bmp|avif)$/i.test(f.name))
      .sort((a, b) => a.webkitRelativePath.localeCompare(b.webkitRelativePath));
    input.value = '';
  }

  private onChoose(e: Event) {
    const path = (e.target as HTMLSelectElement).value;
    void this.open(this.folder.find((f) => f.webkitRelativePath === path) ?? null);
  }

  private onPhoto(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0] ?? null;
    input.value = '';
    void this.open(file);
  }

  private async open(file: File | null) {
    this.message = null;
    this.notice = '';
    this.box = null;
    if (!file) return;
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' }).catch(() => null);
    if (!bitmap) {
      this.message = { code: 'unreadable-file', text: 'This photo cannot be opened.' };
      return;
    }
    this.bitmap?.close();
    this.bitmap = bitmap;
    this.photo = file;
    await this.updateComplete;
    this.draw();
  }

  private get canvas(): HTMLCanvasElement | null {
    return this.renderRoot.querySelector('canvas');
  }

  private draw() {
    const canvas = this.canvas,
      bitmap = this.bitmap;
    if (!canvas || !bitmap) return;
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.drawImage(bitmap, 0, 0);
    if (this.box) {
      ctx.lineWidth = Math.max(2, Math.round(canvas.width / 250));
      ctx.strokeStyle = '#e8710a';
      ctx.strokeRect(this.box.x, this.box.y, this.box.width, this.box.height);
    }
  }

  /** Pointer position in the photo's pixels (the canvas is shown scaled). */
  private at(e: PointerEvent): [number, number] {
    const canvas = e.currentTarget as HTMLCanvasElement;
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * canvas.width, ((e.clientY - r.top) / r.height) * canvas.height];
  }

  private down(e: PointerEvent) {
    this.dragFrom = this.at(e);
    (e.currentTarget as HTMLCanvasElement).setPointerCapture(e.pointerId);
  }

  private move(e: PointerEvent) {
    if (!this.dragFrom) return;
    const [x, y] = this.at(e),
      [x0, y0] = this.dragFrom;
    this.box = { x: Math.min(x, x0), y: Math.min(y, y0), width: Math.abs(x - x0), height: Math.abs(y - y0) };
    this.draw();
  }

  private up() {
    this.dragFrom = null;
  }

  private async add() {
    if (!this.photo || !this.box) {
      this.message = { code: 'no-face', text: 'Pick a photo, then drag a box around the face the detector missed.' };
      return;
    }
    this.busy = true;
    this.message = null;
    this.notice = '';
    try {
      const face = await this.matcher.imports.addFace(this.jobId, this.photo, this.box);
      this.notice = face.problem
        ? `The face was added, but it is too poor to group: ${face.problem}`
        : face.groupId
          ? 'The face was added and joined the group it matches.'
          : 'The face was added; it matches no group yet.';
      this.dispatchEvent(new FaceAddedEvent(face.id));
    } catch (error) {
      this.message = messageFor(error);
    } finally {
      this.busy = false;
    }
  }

  render() {
    return html`<h3>Add a face the detector missed</h3>
      <p class="small">
        Pick the photo the way it was imported: from the folder again (then choose it), or on its own.
      </p>
      <label
        >The folder <input type="file" webkitdirectory data-testid="missed-folder" @change=${this.onFolder}
      /></label>
      ${
        this.folder.length
          ? html`<label
              >Photo
              <select data-testid="missed-choose" @change=${this.onChoose}>
                <option value="">Choose…</option>
                ${this.folder.map((f) => html`<option value=${f.webkitRelativePath}>${f.webkitRelativePath}</option>`)}
              </select></label
            >`
          : nothing
      }
      <label
        >Or one photo <input type="file" accept="image/*" data-testid="missed-photo" @change=${this.onPhoto}
      /></label>
      ${
        this.photo
          ? html`<p class="small">Drag a box around the face.</p>
              <canvas
                data-testid="missed-canvas"
                role="img"
                aria-label="The photo: drag a box around a face"
                @pointerdown=${this.down}
                @pointermove=${this.move}
                @pointerup=${this.up}
              ></canvas>
              <button type="button" data-testid="missed-add" ?disabled=${this.busy || !this.box} @click=${this.add}>
                Add this face
              </button>`
          : nothing
      }
      ${this.notice ? html`<div class="message info" role="status" data-testid="missed-notice">${this.notice}</div>` : nothing}
      ${this.message ? html`<div class="message" role="alert" data-testid="missed-message" data-code=${this.message.code}>${this.message.text}</div>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'missed-face': MissedFace;
  }
}
