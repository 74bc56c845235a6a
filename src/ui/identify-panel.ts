// 1:N — who is in this photo? Every face boxed and labelled with a name and score, or "unknown".
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { IdentifyResult, Matcher } from '../index';
import { alertMessage, messageFor, type UserMessage, count } from './messages';
import { panelStyles } from './shared-styles';
import './photo-picker';
import './face-overlay';
import './live-camera';
import type { PhotosSelectedEvent } from './events';

/**
 * The last answer per matcher, so switching to another tab and back shows it again (the panel itself is
 * re-created on each visit). Held in memory only, like the panel's own state.
 */
const lastAnswer = new WeakMap<Matcher, { file: File; result: IdentifyResult }>();

@customElement('identify-panel')
export class IdentifyPanel extends LitElement {
  static styles = panelStyles;

  @property({ attribute: false }) matcher!: Matcher;
  @state() private busy = false;
  @state() private result: IdentifyResult | null = null;
  @state() private photoUrl = '';
  @state() private message: UserMessage | null = null;
  /** How many people are enrolled (null until known): with none, every face can only be "Unknown", so say so first. */
  @state() private enrolled: number | null = null;

  connectedCallback(): void {
    super.connectedCallback();
    this.matcher?.listPeople().then(
      (people) => (this.enrolled = people.length),
      () => undefined,
    );
    const last = this.matcher && lastAnswer.get(this.matcher);
    if (last) {
      this.photoUrl = URL.createObjectURL(last.file);
      this.result = last.result;
    }
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.photoUrl) URL.revokeObjectURL(this.photoUrl);
  }

  private async identify(e: PhotosSelectedEvent) {
    const [file] = e.files;
    // Clear the previous answer first, so nothing stale is shown while this photo is read.
    this.result = null;
    this.message = null;
    if (this.photoUrl) URL.revokeObjectURL(this.photoUrl);
    this.photoUrl = URL.createObjectURL(file);
    this.busy = true;
    try {
      lastAnswer.delete(this.matcher);
      const result = await this.matcher.identify(file);
      if (result.faces.length === 0) this.message = { code: 'no-face', text: 'No face found in this photo.' };
      else {
        this.result = result;
        lastAnswer.set(this.matcher, { file, result });
      }
    } catch (error) {
      this.message = messageFor(error);
    } finally {
      this.busy = false;
    }
  }

  /** In words that agree with the verdict: no raw score, and no "chance" beside a "no". */
  private describe(face: IdentifyResult['faces'][number]) {
    const m = face.match;
    if (m.kind === 'unknown') return 'Unknown: not close enough to anyone enrolled here.';
    if (m.kind === 'possible')
      return `Possibly ${m.name}, but not close enough to name: check for yourself (${m.reading.explanation}).`;
    return `${m.name}: a confident match (${m.reading.explanation}).`;
  }

  render() {
    const r = this.result;
    return html`
      <h2>Who is this?</h2>
      <p>Choose a photo: every face in it is compared with the people enrolled on this device.</p>
      ${
        this.enrolled === 0
          ? html`<p class="message info" data-testid="identify-empty">
              <strong>No one is enrolled yet</strong>, so every face will show as Unknown. Start on the People tab: add
              someone who agrees, with 2 or 3 photos of them alone. (Comparing two photos needs no one enrolled: see
              Verify.)
            </p>`
          : nothing
      }
      <photo-picker
        label="Photo to identify"
        testid="identify-photo"
        ?disabled=${this.busy}
        @photos-selected=${this.identify}
      ></photo-picker>
      ${this.busy ? html`<div class="busy" data-testid="identify-busy" role="status">Looking for faces…</div>` : nothing}
      ${alertMessage(this.message)}
      ${
        r
          ? html`<section data-testid="identify-result" data-face-count=${r.faces.length} aria-label="Result">
              <p>${count(r.faces.length, 'face')} found.</p>
              <face-overlay
                .src=${this.photoUrl}
                .width=${r.width}
                .height=${r.height}
                .faces=${r.faces}
              ></face-overlay>
              <ol>
                ${r.faces.map((f) => html`<li data-testid="face-label">${this.describe(f)}</li>`)}
              </ol>
            </section>`
          : nothing
      }
      <h2>Live camera</h2>
      <p>Names the faces in front of the camera as they move, on this device; frames are never stored.</p>
      <live-camera .matcher=${this.matcher}></live-camera>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'identify-panel': IdentifyPanel;
  }
}
