// <facelocal-verify>: the widget's own consent prompt and face check. A host asks (verify: "is this someone
// enrolled here?"; identify: "who is this?"); the person sees who asks and why, allows or denies, and shows
// their face to the camera (or picks a photo). The answer is a verdict only, emitted as `facelocal-answer`.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Matcher } from '../index';
import { messageFor } from '../ui/messages';
import { panelStyles } from '../ui/shared-styles';
import type { WidgetAnswer, WidgetRequest } from './widget-protocol';
import '../ui/photo-picker';

type Step = 'idle' | 'ask' | 'capture' | 'working' | 'reveal' | 'done';

@customElement('facelocal-verify')
export class FacelocalVerify extends LitElement {
  static styles = [
    panelStyles,
    css`
      :host { display: block; padding: 0.75rem; font-family: system-ui, sans-serif; }
      .origin { font-weight: 600; word-break: break-all; }
    `,
  ];

  @property({ attribute: false }) matcher: Matcher | null = null;
  /** The pending request and who sent it; set by the page that hosts this element. */
  @property({ attribute: false }) request: WidgetRequest | null = null;
  @property() requester = '';
  @state() private step: Step = 'idle';
  @state() private note = '';
  @state() private found: { personId: string; name: string } | null = null;

  get busy(): boolean {
    return this.step !== 'idle' && this.step !== 'done';
  }

  protected willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('request') && this.request) {
      this.step = 'ask';
      this.note = '';
      this.found = null;
    }
  }

  private answer(answer: WidgetAnswer, note: string) {
    this.step = 'done';
    this.note = note;
    this.dispatchEvent(new CustomEvent<WidgetAnswer>('facelocal-answer', { detail: answer }));
  }

  private deny() {
    this.answer({ type: 'facelocal:error', id: this.request!.id, error: 'denied' }, `You said no; ${this.requester} was told only that.`);
  }

  private async check(e: CustomEvent<File[]>) {
    const request = this.request!;
    if (!this.matcher) return;
    this.step = 'working';
    this.note = '';
    try {
      const result = await this.matcher.identify(e.detail[0]);
      if (result.faces.length !== 1) {
        this.step = 'capture';
        this.note = result.faces.length === 0 ? 'No face found: try again, facing the camera.' : 'More than one face: only you should be in the picture.';
        return;
      }
      const match = result.faces[0].match;
      if (request.kind === 'verify') {
        const matched = match.kind === 'known';
        this.answer({ type: 'facelocal:result', id: request.id, kind: 'verify', matched }, `${this.requester} was told: ${matched ? 'matched' : 'not matched'}. Nothing else was sent.`);
      } else if (match.kind === 'known') {
        this.found = { personId: match.personId, name: match.name };
        this.step = 'reveal';
      } else {
        this.answer({ type: 'facelocal:error', id: request.id, error: 'no-match' }, `You are not enrolled here; ${this.requester} was told only that.`);
      }
    } catch (error) {
      this.step = 'capture';
      this.note = messageFor(error).text;
    }
  }

  private reveal(yes: boolean) {
    const request = this.request!;
    if (yes && this.found) this.answer({ type: 'facelocal:result', id: request.id, kind: 'identify', personId: this.found.personId }, `${this.requester} was given your Facelocal id, nothing else.`);
    else this.answer({ type: 'facelocal:error', id: request.id, error: 'not-revealed' }, `You kept your identity to yourself.`);
  }

  render() {
    const r = this.request;
    if (!r || this.step === 'idle') return html`<p data-testid="widget-idle">Facelocal: nothing has been asked.</p>`;
    const asks = r.kind === 'verify' ? 'whether you are someone enrolled on this Facelocal' : 'who you are on this Facelocal';
    const learns = r.kind === 'verify' ? 'only “yes” or “no”' : 'only your Facelocal id, and only if you choose to reveal it';
    return html`
      <section aria-label="Facelocal check" data-testid="widget-prompt" data-step=${this.step}>
        <p><span class="origin" data-testid="widget-requester">${this.requester}</span> asks ${asks}.</p>
        ${r.reason ? html`<p>Their reason: “${r.reason}”</p>` : nothing}
        <p>Your face is compared on this device. No photo and no face data is sent to anyone; the site learns ${learns}.</p>
        ${this.step === 'ask'
          ? html`<div class="row">
              <button type="button" data-testid="widget-allow" @click=${() => (this.step = 'capture')}>Allow</button>
              <button type="button" class="secondary" data-testid="widget-deny" @click=${this.deny}>Deny</button>
            </div>`
          : nothing}
        ${this.step === 'capture' ? html`<photo-picker label="Your face" testid="widget-photo" @photos-selected=${this.check}></photo-picker>` : nothing}
        ${this.step === 'working' ? html`<p class="busy" role="status">Comparing…</p>` : nothing}
        ${this.step === 'reveal' && this.found
          ? html`<p>You are enrolled as <strong>${this.found.name}</strong>. Reveal your Facelocal id to ${this.requester}?</p>
            <div class="row">
              <button type="button" data-testid="widget-reveal" @click=${() => this.reveal(true)}>Reveal</button>
              <button type="button" class="secondary" data-testid="widget-keep" @click=${() => this.reveal(false)}>Don't reveal</button>
            </div>`
          : nothing}
        ${this.note ? html`<p role="status" data-testid="widget-note">${this.note}</p>` : nothing}
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'facelocal-verify': FacelocalVerify;
  }
}
