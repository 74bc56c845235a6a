// <facelocal-verify>: the widget's own consent prompt and face check. A host asks (verify: "is this the person who
// enrolled here?"; identify: "who is this, for this site?"); the person sees who asks and why, allows or denies,
// enrols for that site if they want to, and shows their face. The answer is a verdict only, emitted as
// `facelocal-answer`. Every button acts only while the prompt is really visible (visibility-guard.ts).
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { RETENTION_PRESETS, describeExpiry } from '../index';
import { messageFor } from '../ui/messages';
import { panelStyles } from '../ui/shared-styles';
import { saveFile } from '../ui/download';
import type { WidgetAnswer, WidgetErrorCode, WidgetRequest } from './widget-protocol';
import { cleanReason } from './prompt-text';
import { VisibilityGuard } from './visibility-guard';
import type { SiteGallery, SiteStatus } from './site-gallery';
import '../ui/photo-picker';
import type { PhotosSelectedEvent } from '../ui/events';

type Step = 'idle' | 'ask' | 'no-storage' | 'window' | 'loading' | 'enrol' | 'capture' | 'working' | 'reveal' | 'done';

/** How the widget can keep this site's enrolment: in its own storage, or (none here) in a Facelocal window. */
export type WidgetStorage = 'checking' | 'here' | 'none';

@customElement('facelocal-verify')
export class FacelocalVerify extends LitElement {
  static styles = [
    panelStyles,
    css`
      :host {
        display: block;
        padding: 0.75rem;
        font-family: system-ui, sans-serif;
      }
      .origin {
        font-weight: 600;
        word-break: break-all;
      }
      blockquote.reason {
        margin: 0.4rem 0;
        padding: 0.3rem 0.6rem;
        border-left: 4px solid #8a8f98;
        background: #f3f4f6;
        overflow-wrap: anywhere;
        unicode-bidi: isolate;
      }
      .from {
        font-size: 0.85rem;
        color: #444;
      }
      label {
        display: block;
        margin: 0.35rem 0;
      }
      .hint {
        font-size: 0.85rem;
      }
    `,
  ];

  /** The pending request and who sent it; set by the page that hosts this element. */
  @property({ attribute: false }) request: WidgetRequest | null = null;
  @property() requester = '';
  @property() storage: WidgetStorage = 'checking';
  /** In Facelocal's own window the person already allowed in the frame: the window starts at the check. */
  @property({ type: Boolean }) inWindow = false;
  /** Opens the asking site's gallery (models and storage); set by the page. */
  @property({ attribute: false }) openGallery: (() => Promise<SiteGallery>) | null = null;
  /** Asks the browser for storage access (null: this browser has no Storage Access API). */
  @property({ attribute: false }) askStorageAccess: (() => Promise<string | null>) | null = null;

  @state() private step: Step = 'idle';
  /** What the person is told now (also handed from Facelocal's window to the frame with the answer). */
  @state() note = '';
  @state() private status: SiteStatus | null = null;
  @state() private matched = false;
  @state() private enrolName = '';
  @state() private retentionIndex = 0;
  @state() private enrolPhotos: File[] = [];
  /** Whether clicks count now: for every button, and for Allow / Reveal (which need the statement in view). */
  @state() private armedNow = { any: false, strict: false };
  private gallery: SiteGallery | null = null;
  private readonly guard = new VisibilityGuard(() => {
    const now = { any: this.guard.armed(false), strict: this.guard.armed(true) };
    if (now.any !== this.armedNow.any || now.strict !== this.armedNow.strict) this.armedNow = now;
  });

  get busy(): boolean {
    return this.step !== 'idle' && this.step !== 'done';
  }

  connectedCallback(): void {
    super.connectedCallback();
    this.guard.observe(this);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.guard.disconnect();
  }

  protected willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('request') && this.request) {
      this.note = '';
      this.matched = false;
      this.step = 'ask';
      if (this.inWindow) void this.allow();
    }
  }

  protected updated(changed: Map<string, unknown>): void {
    // Any change of what the prompt asks restarts the delay before a click counts.
    if (changed.has('step') || changed.has('request') || changed.has('status')) this.guard.promptChanged();
    this.guard.watchStatement(this.renderRoot.querySelector('.statement'));
    this.dataset.armed = String(this.armedNow.strict);
  }

  /** Ends the prompt without an answer of its own (the page answered: cancelled, timed out). */
  end(note: string): void {
    this.step = 'done';
    this.note = note;
  }

  /** A click that counts only when the prompt is really visible and settled. */
  private guarded(action: () => unknown, strict: boolean) {
    return () => {
      if (!this.guard.armed(strict)) {
        this.note = 'Facelocal is not fully visible yet: nothing was done.';
        return;
      }
      void action();
    };
  }

  private answer(answer: WidgetAnswer, note: string) {
    this.step = 'done';
    this.note = note;
    this.dispatchEvent(new CustomEvent<WidgetAnswer>('facelocal-answer', { detail: answer }));
  }

  /** The asking site's gallery, once opened (only steps after `loading` use it). */
  private get site(): SiteGallery {
    if (!this.gallery) throw new Error('The site gallery is not open.');
    return this.gallery;
  }

  private get asked(): WidgetRequest {
    if (!this.request) throw new Error('Nothing was asked.');
    return this.request;
  }

  private fail(error: WidgetErrorCode, note: string) {
    this.answer({ type: 'facelocal:error', id: this.asked.id, error }, note);
  }

  private deny() {
    this.fail('denied', `You said no; ${this.requester} was told only that.`);
  }

  private async allow() {
    if (this.storage === 'none') {
      this.step = 'no-storage';
      return;
    }
    this.step = 'loading';
    try {
      if (!this.openGallery) throw new Error('no gallery to open');
      this.gallery ??= await this.openGallery();
      await this.refreshStatus();
    } catch (error) {
      this.fail(
        'unavailable',
        `Facelocal could not start here (${messageFor(error).text}); ${this.requester} was told it is unavailable.`,
      );
      return;
    }
    if (this.status?.kind === 'locked')
      this.fail('unavailable', `Your Facelocal for ${this.requester} is locked; it was told the check is unavailable.`);
    else this.step = this.status?.kind === 'enrolled' ? 'capture' : 'enrol';
  }

  private async refreshStatus() {
    this.status = this.gallery ? await this.gallery.status() : null;
  }

  private openWindow() {
    this.step = 'window';
    this.dispatchEvent(new CustomEvent('facelocal-open-window'));
  }

  private async storageAccess() {
    const problem = this.askStorageAccess
      ? await this.askStorageAccess()
      : 'This browser cannot grant storage access to frames.';
    if (problem) {
      this.note = problem;
      return;
    }
    this.storage = 'here';
    await this.allow();
  }

  private chooseEnrolPhotos(e: PhotosSelectedEvent) {
    this.enrolPhotos = e.files;
  }

  private async enrol() {
    if (!this.enrolName.trim()) return void (this.note = 'Enter your name (kept on this device only).');
    if (this.enrolPhotos.length === 0) return void (this.note = 'Choose at least one photo of your face.');
    const attest = this.renderRoot.querySelector<HTMLInputElement>('[data-testid=widget-consent]');
    if (!attest?.checked) return void (this.note = 'Tick the consent box to enrol.');
    this.step = 'working';
    try {
      const result = await this.site.enrol(this.enrolName, this.retentionIndex, this.enrolPhotos);
      await this.refreshStatus();
      if (!result.person) {
        this.step = 'enrol';
        this.note = `Not enrolled: ${result.photos
          .map((p) => (p.ok ? '' : p.error.message))
          .filter(Boolean)
          .join(' ')}`;
        return;
      }
      this.step = 'capture';
      this.note = `Enrolled for ${this.requester}. Now show your face for the check.`;
    } catch (error) {
      this.step = 'enrol';
      this.note = messageFor(error).text;
    }
  }

  private async check(e: PhotosSelectedEvent) {
    const request = this.asked;
    this.step = 'working';
    this.note = '';
    try {
      const matched = await this.site.verify(e.files[0]);
      if (request.kind === 'verify') {
        this.answer(
          { type: 'facelocal:result', id: request.id, kind: 'verify', matched },
          `${this.requester} was told: ${matched ? 'matched' : 'not matched'}. Nothing else was sent.`,
        );
      } else {
        // Identify always asks once more, match or not, so the host cannot time a non-match against a decline.
        this.matched = matched;
        this.step = 'reveal';
      }
    } catch (error) {
      this.step = 'capture';
      this.note = messageFor(error).text;
    }
  }

  private async reveal(yes: boolean) {
    const request = this.asked;
    if (!(yes && this.matched)) {
      this.fail(
        'not-revealed',
        `${this.requester} was told "not revealed": the same whether you were not recognised or chose not to reveal.`,
      );
      return;
    }
    try {
      const personId = await this.site.reveal();
      this.answer(
        { type: 'facelocal:result', id: request.id, kind: 'identify', personId },
        `${this.requester} was given the id it knows you by (no other site gets the same one), nothing else.`,
      );
    } catch (error) {
      this.fail('unavailable', `Nothing was revealed (${messageFor(error).text}).`);
    }
  }

  private async exportData() {
    saveFile(await this.site.exportData(), 'facelocal-widget-enrolment.json');
  }

  private async erase() {
    await this.site.erase();
    await this.refreshStatus();
    this.note = `Everything Facelocal kept for ${this.requester} on this device is erased.`;
    if (this.step === 'capture') this.step = 'enrol';
  }

  /** Allow and Reveal (and their alternatives) are `strict`: they also need who asks and why fully in view. */
  private button(testid: string, label: string, action: () => unknown, secondary = false) {
    const strict = this.step === 'ask' || this.step === 'reveal';
    const armed = strict ? this.armedNow.strict : this.armedNow.any;
    return html`<button
      type="button"
      class=${secondary ? 'secondary' : ''}
      data-testid=${testid}
      ?disabled=${!armed}
      @click=${this.guarded(action, strict)}
    >
      ${label}
    </button>`;
  }

  private renderEnrol() {
    return html` <p>
        Nobody is enrolled with Facelocal for <span class="origin">${this.requester}</span> on this device. To be
        checked, enrol now: your face data stays on this device, kept apart from every other site, for the time you
        choose.
      </p>
      <label
        >Your name (kept on this device; ${this.requester} never sees it)
        <input
          type="text"
          data-testid="widget-enrol-name"
          maxlength="100"
          .value=${this.enrolName}
          @input=${(e: Event) => (this.enrolName = (e.target as HTMLInputElement).value)}
      /></label>
      <label
        >Keep my face data for
        <select
          data-testid="widget-enrol-retention"
          @change=${(e: Event) => (this.retentionIndex = Number((e.target as HTMLSelectElement).value))}
        >
          ${RETENTION_PRESETS.map((p, i) => html`<option value=${i} ?selected=${i === this.retentionIndex}>${p.label}</option>`)}
        </select></label
      >
      <photo-picker
        label="Photos of your face (one face each)"
        multiple
        testid="widget-enrol-photos"
        @photos-selected=${this.chooseEnrolPhotos}
      ></photo-picker>
      <label
        ><input type="checkbox" data-testid="widget-consent" /> I agree that Facelocal keeps my face data on this device
        for checks asked by ${this.requester}, for the time chosen above; I can see, export and erase it here at any
        time.</label
      >
      <div class="row">
        ${this.button('widget-enrol', 'Enrol', () => this.enrol())}
        ${this.button('widget-no-enrol', 'Not now', () => this.fail('unavailable', `Not enrolled; ${this.requester} was told the check is unavailable.`), true)}
      </div>`;
  }

  private renderData() {
    if (this.status?.kind !== 'enrolled' || this.step === 'working') return nothing;
    const p = this.status.person;
    return html`<details data-testid="widget-data">
      <summary>What Facelocal keeps for ${this.requester}</summary>
      <p>
        ${p.name}: ${p.templateCount} face template(s), enrolled ${new Date(p.createdAt).toISOString().slice(0, 10)},
        ${describeExpiry(p.expiresAt)}. Consent: ${p.consent.purposeDetail}
      </p>
      <div class="row">
        ${this.button('widget-export', 'Export', () => this.exportData(), true)}
        ${this.button('widget-erase', 'Erase (withdraw consent)', () => this.erase(), true)}
      </div>
    </details>`;
  }

  render() {
    const r = this.request;
    if (!r || this.step === 'idle') return html`<p data-testid="widget-idle">Facelocal: nothing has been asked.</p>`;
    const asks =
      r.kind === 'verify'
        ? 'whether you are the person who enrolled for this site'
        : 'to know who you are, for this site';
    const learns =
      r.kind === 'verify'
        ? 'only “yes” or “no”'
        : 'only an id made for this site alone, and only if you choose to reveal it';
    const reason = cleanReason(r.reason);
    return html`
      <section aria-label="Facelocal check" data-testid="widget-prompt" data-step=${this.step}>
        <div class="statement">
          <p><span class="origin" data-testid="widget-requester">${this.requester}</span> asks ${asks}.</p>
          ${
            reason
              ? html`<p class="from">In the site's own words (not Facelocal's):</p>
                  <blockquote class="reason" data-testid="widget-reason">“${reason}”</blockquote>`
              : nothing
          }
          <p>
            Your face is compared on this device. No photo and no face data is sent to anyone; the site learns
            ${learns}.
          </p>
        </div>
        ${this.step === 'ask' ? html`<div class="row">${this.button('widget-allow', 'Allow', () => this.allow())}${this.button('widget-deny', 'Deny', () => this.deny(), true)}</div>` : nothing}
        ${
          this.step === 'no-storage'
            ? html`<p data-testid="widget-no-storage">
                  This browser gives Facelocal no storage inside ${this.requester}'s page, so it cannot keep or check an
                  enrolment here. Finish in a Facelocal window of its own: it answers only ${this.requester}, through
                  this frame.
                </p>
                <div class="row">
                  ${this.button('widget-open-window', 'Open Facelocal window', () => this.openWindow())}
                  ${this.askStorageAccess ? this.button('widget-storage-access', 'Ask the browser for storage here', () => this.storageAccess(), true) : nothing}
                  ${this.button('widget-no-window', 'Not now', () => this.fail('unavailable', `${this.requester} was told the check is unavailable.`), true)}
                </div>
                ${this.askStorageAccess ? nothing : html`<p class="hint" data-testid="widget-no-storage-access">This browser cannot grant storage access to frames (no Storage Access API).</p>`}`
            : nothing
        }
        ${this.step === 'window' ? html`<p class="busy" role="status" data-testid="widget-window-open">Continue in the Facelocal window…</p>` : nothing}
        ${this.step === 'loading' ? html`<p class="busy" role="status">Opening Facelocal…</p>` : nothing}
        ${this.step === 'enrol' ? this.renderEnrol() : nothing}
        ${this.step === 'capture' ? html`<photo-picker label="Your face" testid="widget-photo" @photos-selected=${this.check}></photo-picker>` : nothing}
        ${this.step === 'working' ? html`<p class="busy" role="status">Working…</p>` : nothing}
        ${
          this.step === 'reveal'
            ? html`<p data-testid="widget-reveal-question">
                  ${
                    this.matched
                      ? html`You are the person who enrolled for ${this.requester}. Reveal the id it knows you by?`
                      : html`This face is not the person who enrolled for ${this.requester}. Whatever you choose, it
                        will be told only “not revealed”.`
                  }
                </p>
                <div class="row">
                  ${this.button('widget-reveal', 'Reveal', () => this.reveal(true))}${this.button('widget-keep', "Don't reveal", () => this.reveal(false), true)}
                </div>`
            : nothing
        }
        ${this.note ? html`<p role="status" data-testid="widget-note">${this.note}</p>` : nothing} ${this.renderData()}
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'facelocal-verify': FacelocalVerify;
  }
}
