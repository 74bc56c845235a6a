// One enrolled person: thumbnail, name, photo count, and the actions on them (add photos, rename, delete).
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { CONSENT_PURPOSES, describeExpiry, type EnrolledPhoto, type Matcher, type Person } from '../index';
import { messageFor, type UserMessage } from './messages';
import { panelStyles } from './shared-styles';
import { fileSafe, saveFile, saveReceipt } from './download';
import './photo-picker';
import './consent-form';
import type { ConsentForm } from './consent-form';

@customElement('person-card')
export class PersonCard extends LitElement {
  static styles = [
    panelStyles,
    css`
      :host { border: 1px solid #c9ccd1; border-radius: 8px; padding: 0.75rem; }
      .head { display: flex; gap: 0.75rem; align-items: center; }
      img, .placeholder { width: 64px; height: 64px; border-radius: 6px; object-fit: cover; background: #ddd; flex: none; }
      .name { font-weight: 600; word-break: break-word; }
      .small { font-size: 0.85rem; opacity: 0.85; }
    `,
  ];

  @property({ attribute: false }) matcher!: Matcher;
  @property({ attribute: false }) person!: Person;
  @state() private thumbnailUrl = '';
  @state() private mode: 'view' | 'rename' | 'confirm-delete' | 'confirm-withdraw' | 'add' | 'photos' | 'consent' | 'restrict' = 'view';
  @state() private photos: EnrolledPhoto[] = [];
  @state() private busy = false;
  @state() private message: UserMessage | null = null;

  async connectedCallback() {
    super.connectedCallback();
    const blob = await this.matcher.thumbnail(this.person.id).catch(() => null);
    if (blob) this.thumbnailUrl = URL.createObjectURL(blob);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.thumbnailUrl) URL.revokeObjectURL(this.thumbnailUrl);
  }

  /** Tells the list to reload after a change. */
  private changed() {
    this.dispatchEvent(new CustomEvent('person-changed', { bubbles: true, composed: true }));
  }

  private async run(action: () => Promise<unknown>) {
    this.busy = true;
    this.message = null;
    try {
      await action();
      this.mode = 'view';
      this.changed();
    } catch (error) {
      this.message = messageFor(error);
    } finally {
      this.busy = false;
    }
  }

  private rename() {
    const input = this.renderRoot.querySelector<HTMLInputElement>('[data-testid=rename-input]')!;
    return this.run(() => this.matcher.renamePerson(this.person.id, input.value));
  }

  private restrict() {
    const input = this.renderRoot.querySelector<HTMLInputElement>('[data-testid=restrict-reason]')!;
    return this.run(() => this.matcher.restrictPerson(this.person.id, input.value));
  }

  private async showPhotos() {
    this.photos = await this.matcher.photosOf(this.person.id);
    this.mode = 'photos';
  }

  private saveConsent() {
    const consent = this.renderRoot.querySelector<ConsentForm>('consent-form')!.read();
    if (!consent) return;
    return this.run(() => this.matcher.updateConsent(this.person.id, consent));
  }

  private async exportPerson() {
    try {
      saveFile(await this.matcher.exportPerson(this.person.id), `facelocal-${fileSafe(this.person.name)}.json`);
    } catch (error) {
      this.message = messageFor(error);
    }
  }

  private async receipt() {
    try {
      saveReceipt(await this.matcher.consentReceipt(this.person.id), this.person.name);
    } catch (error) {
      this.message = messageFor(error);
    }
  }

  /** Withdrawal erases the person; their withdrawal receipt is saved first thing after, for them to keep. */
  private withdraw() {
    const name = this.person.name;
    return this.run(async () => {
      const receipt = await this.matcher.withdrawConsent(this.person.id);
      if (receipt) saveReceipt(receipt, name);
    });
  }

  private addPhotos(e: CustomEvent<File[]>) {
    return this.run(async () => {
      const result = await this.matcher.addPhotos(this.person.id, e.detail);
      const refused = result.photos.filter((p) => !p.ok);
      if (refused.length) throw new Error(refused.map((p) => `${p.fileName}: ${p.error?.message}`).join(' '));
    });
  }

  render() {
    const p = this.person;
    return html`
      <div class="head">
        ${this.thumbnailUrl ? html`<img src=${this.thumbnailUrl} alt=${p.name} />` : html`<div class="placeholder" aria-hidden="true"></div>`}
        <div>
          <div class="name" data-testid="person-name-label">${p.name}</div>
          <div data-testid="person-template-count">${p.templateCount} photo${p.templateCount === 1 ? '' : 's'}</div>
          <div class="small">Purpose: ${CONSENT_PURPOSES[p.consent.purpose]}${p.consent.purposeDetail ? ` — ${p.consent.purposeDetail}` : ''}</div>
          <div class="small" data-testid="person-expiry" data-expires-at=${p.expiresAt ?? ''}>Consent ${new Date(p.consent.givenAt).toISOString().slice(0, 10)}; ${describeExpiry(p.expiresAt)}</div>
          ${p.restriction
            ? html`<div class="small" data-testid="person-restriction"><strong>Restricted</strong> since ${new Date(p.restriction.since).toISOString().slice(0, 10)}
                (${p.restriction.reason}): kept, never matched or shown as a result until lifted.</div>`
            : nothing}
        </div>
      </div>
      ${this.mode === 'rename'
        ? html`<div class="row">
            <input type="text" data-testid="rename-input" aria-label="New name for ${p.name}" .value=${p.name} maxlength="100" />
            <button type="button" data-testid="rename-save" ?disabled=${this.busy} @click=${this.rename}>Save</button>
            <button type="button" class="secondary" @click=${() => (this.mode = 'view')}>Cancel</button>
          </div>`
        : nothing}
      ${this.mode === 'confirm-delete'
        ? html`<div class="row" role="alert">
            <span>Delete ${p.name} and all their face data from this device?</span>
            <button type="button" class="danger" data-testid="delete-confirm" ?disabled=${this.busy} @click=${() => this.run(() => this.matcher.deletePerson(p.id))}>Delete</button>
            <button type="button" class="secondary" @click=${() => (this.mode = 'view')}>Keep</button>
          </div>`
        : nothing}
      ${this.mode === 'confirm-withdraw'
        ? html`<div class="row" role="alert">
            <span>${p.name} withdraws consent: erase their face data, photos and consent record now? A withdrawal receipt for them to keep is saved.</span>
            <button type="button" class="danger" data-testid="withdraw-confirm" ?disabled=${this.busy} @click=${this.withdraw}>Withdraw and erase</button>
            <button type="button" class="secondary" @click=${() => (this.mode = 'view')}>Cancel</button>
          </div>`
        : nothing}
      ${this.mode === 'photos'
        ? html`<ul class="plain" data-testid="photo-list">
            ${this.photos.map((ph) => html`<li class="row" data-testid="photo" data-template-id=${ph.templateId}>
              <span>${ph.sourceName}</span>
              <button type="button" class="secondary" data-testid="remove-photo" ?disabled=${this.busy || this.photos.length === 1}
                @click=${() => this.run(() => this.matcher.removePhoto(p.id, ph.templateId))}>Remove</button></li>`)}
          </ul>
          <button type="button" class="secondary" @click=${() => (this.mode = 'view')}>Done</button>`
        : nothing}
      ${this.mode === 'consent'
        ? html`<consent-form .subjectName=${p.name} .initial=${p.consent}></consent-form>
          <p class="small">Saving records a fresh consent given today; retention counts from today.</p>
          <div class="row">
            <button type="button" data-testid="consent-save" ?disabled=${this.busy} @click=${this.saveConsent}>Save consent</button>
            <button type="button" class="secondary" @click=${() => (this.mode = 'view')}>Cancel</button>
          </div>`
        : nothing}
      ${this.mode === 'restrict'
        ? html`<div class="row">
            <input type="text" data-testid="restrict-reason" aria-label="Why processing of ${p.name} is restricted" placeholder="Who asked, and what they contest" maxlength="500" />
            <button type="button" data-testid="restrict-save" ?disabled=${this.busy} @click=${this.restrict}>Restrict</button>
            <button type="button" class="secondary" @click=${() => (this.mode = 'view')}>Cancel</button>
          </div>
          <p class="small">Restricted: ${p.name} stays in the gallery with their consent record, but is never matched, never shown as a result and never revealed through the widget until you lift it.</p>`
        : nothing}
      ${this.mode === 'add'
        ? html`<photo-picker label="More photos of ${p.name}" multiple testid="add-photos" ?disabled=${this.busy} @photos-selected=${this.addPhotos}></photo-picker>`
        : nothing}
      ${this.mode === 'view'
        ? html`<div class="row">
            <button type="button" class="secondary" data-testid="add" @click=${() => (this.mode = 'add')}>Add photos</button>
            <button type="button" class="secondary" data-testid="photos" @click=${this.showPhotos}>Photos</button>
            <button type="button" class="secondary" data-testid="rename" @click=${() => (this.mode = 'rename')}>Rename</button>
            <button type="button" class="secondary" data-testid="consent" @click=${() => (this.mode = 'consent')}>Consent / extend</button>
            <button type="button" class="secondary" data-testid="export-person" @click=${this.exportPerson}>Export data</button>
            <button type="button" class="secondary" data-testid="consent-receipt" @click=${this.receipt}>Consent receipt</button>
            ${p.restriction
              ? html`<button type="button" class="secondary" data-testid="lift-restriction" ?disabled=${this.busy} @click=${() => this.run(() => this.matcher.liftRestriction(p.id))}>Lift restriction</button>`
              : html`<button type="button" class="secondary" data-testid="restrict" @click=${() => (this.mode = 'restrict')}>Restrict</button>`}
            <button type="button" class="secondary" data-testid="withdraw" @click=${() => (this.mode = 'confirm-withdraw')}>Withdraw consent</button>
            <button type="button" class="secondary" data-testid="delete" @click=${() => (this.mode = 'confirm-delete')}>Delete</button>
          </div>`
        : nothing}
      ${this.busy ? html`<div class="busy" role="status">Working…</div>` : nothing}
      ${this.message ? html`<div class="message" role="alert" data-testid="message" data-code=${this.message.code}>${this.message.text}</div>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'person-card': PersonCard;
  }
}
