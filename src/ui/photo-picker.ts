// Chooses photos: a file input, a drop zone, and the camera. Emits a PhotosSelectedEvent with the files chosen.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { panelStyles } from './shared-styles';
import { PhotosSelectedEvent } from './events';

@customElement('photo-picker')
export class PhotoPicker extends LitElement {
  static styles = [
    panelStyles,
    css`
      .drop {
        border: 2px dashed #8a8f98;
        border-radius: 8px;
        padding: 0.75rem;
      }
      .drop.over {
        border-color: #2f6fed;
        background: rgba(47, 111, 237, 0.08);
      }
      video {
        width: 100%;
        max-width: 420px;
        border-radius: 6px;
        background: #000;
      }
      .label {
        font-weight: 600;
        flex-basis: 100%;
      }
    `,
  ];

  /** Visible label of the file input. */
  @property() label = 'Photos';
  @property({ type: Boolean }) multiple = false;
  /** data-testid of the file input, so tests (and people using assistive tech) find it. */
  @property() testid = 'photos';
  @property({ type: Boolean }) disabled = false;

  @state() private over = false;
  @state() private cameraOpen = false;
  @state() private cameraError = '';
  @state() private facing: 'user' | 'environment' = 'user';
  /** The one status of this picker: what is chosen now. */
  @state() private chosen: string[] = [];
  @query('video') private video!: HTMLVideoElement;
  private stream: MediaStream | null = null;

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopCamera();
  }

  private emit(files: File[]) {
    if (files.length === 0) return;
    this.chosen = (this.multiple ? files : files.slice(0, 1)).map((f) => f.name);
    this.dispatchEvent(new PhotosSelectedEvent(this.multiple ? files : files.slice(0, 1)));
  }

  private onInput(e: Event) {
    const input = e.target as HTMLInputElement;
    this.emit(Array.from(input.files ?? []));
    input.value = ''; // choosing the same file again still fires
  }

  private onDrop(e: DragEvent) {
    e.preventDefault();
    this.over = false;
    if (!this.disabled) this.emit(Array.from(e.dataTransfer?.files ?? []));
  }

  private async openCamera() {
    this.cameraError = '';
    if (!navigator.mediaDevices?.getUserMedia) {
      this.cameraError = 'This browser cannot use a camera here (it needs a secure page: https or localhost).';
      return;
    }
    try {
      this.stopCamera();
      this.stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: this.facing }, audio: false });
      this.cameraOpen = true;
      await this.updateComplete;
      this.video.srcObject = this.stream;
      await this.video.play();
    } catch (error) {
      const name = (error as { name?: string }).name;
      this.cameraError =
        name === 'NotAllowedError'
          ? 'Camera permission was refused. Allow the camera for this site, or choose a photo instead.'
          : name === 'NotFoundError'
            ? 'No camera was found on this device.'
            : `The camera could not start: ${(error as Error).message}`;
      this.stopCamera();
    }
  }

  private async switchCamera() {
    this.facing = this.facing === 'user' ? 'environment' : 'user';
    await this.openCamera();
  }

  private async takePhoto() {
    const v = this.video;
    // Just after opening or switching cameras the first frame may not have arrived yet.
    if (v.videoWidth === 0) await new Promise((resolve) => v.addEventListener('loadeddata', resolve, { once: true }));
    const canvas = document.createElement('canvas');
    canvas.width = v.videoWidth;
    canvas.height = v.videoHeight;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('internal: no 2D canvas context');
    context.drawImage(v, 0, 0);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.92));
    this.stopCamera();
    if (blob) this.emit([new File([blob], `camera-${Date.now()}.jpg`, { type: 'image/jpeg' })]);
    else this.cameraError = 'The camera gave no picture. Try again.';
  }

  private stopCamera() {
    this.stream?.getTracks().forEach((t) => t.stop());
    this.stream = null;
    this.cameraOpen = false;
  }

  render() {
    return html`
      <div
        class="drop ${this.over ? 'over' : ''}"
        @dragover=${(e: DragEvent) => {
          e.preventDefault();
          this.over = true;
        }}
        @dragleave=${() => (this.over = false)}
        @drop=${this.onDrop}
      >
        <div class="row">
          <span class="label" id="label">${this.label}</span>
          <input
            id="file"
            type="file"
            class="as-button"
            accept="image/*"
            ?multiple=${this.multiple}
            ?disabled=${this.disabled}
            aria-labelledby="label"
            data-testid=${this.testid}
            @change=${this.onInput}
          />
          <label for="file" class="button">Choose ${this.multiple ? 'photos' : 'a photo'}…</label>
          <button type="button" class="secondary" ?disabled=${this.disabled} @click=${this.openCamera}>
            Use camera
          </button>
        </div>
        <div class="chosen" role="status" data-testid="${this.testid}-chosen">
          ${
            this.chosen.length === 0
              ? `No ${this.multiple ? 'photos' : 'photo'} chosen yet: choose ${this.multiple ? 'them' : 'one'}, or drop ${this.multiple ? 'them' : 'it'} here.`
              : this.chosen.length === 1
                ? `Chosen: ${this.chosen[0]}`
                : `${this.chosen.length} photos chosen: ${this.chosen.join(', ')}`
          }
        </div>
        ${
          this.cameraOpen
            ? html`<div>
                <video playsinline muted aria-label="Camera preview"></video>
                <div class="row">
                  <button type="button" @click=${this.takePhoto}>Take photo</button>
                  <button type="button" class="secondary" @click=${this.switchCamera}>
                    Switch to ${this.facing === 'user' ? 'back' : 'front'} camera
                  </button>
                  <button type="button" class="secondary" @click=${this.stopCamera}>Close camera</button>
                </div>
              </div>`
            : nothing
        }
        ${this.cameraError ? html`<div class="message" role="alert">${this.cameraError}</div>` : nothing}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'photo-picker': PhotoPicker;
  }
}
