// One enrolled person: thumbnail, name, photo count, and the actions on them (add photos, rename, delete).
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { CONSENT_PURPOSES, describeExpiry, type EnrolledPhoto, type Matcher, type Person } from '../index';
import { alertMessage, messageFor, type UserMessage, count } from './messages';
import { panelStyles } from './shared-styles';
import { fileSafe, saveFile, saveReceipt } from './download';
import './photo-picker';
import './face-initials';
import './consent-form';
import type { ConsentForm } from './consent-form';
import { PersonChangedEvent, type PhotosSelectedEvent } from './events';
import { rendered } from './dom';

@customElement('person-card')
export class PersonCard extends LitElement {
  static styles = [
    panelStyles,
    css`
      :host {
        border: 1px solid #c9ccd1;
        border-radius: 12px;
        padding: 0.75rem;
        display: flex;
        flex-direction: column;
        gap: 0.25rem;
      }
      /* The face first: people are recognised by it, the list reads as a grid of faces. */
      .head {
        display: flex;
        gap: 0.75rem;
        align-items: flex-start;
      }
      img,
      .placeholder {
        width: 64px;
        height: 64px;
        border-radius: 6px;
        object-fit: cover;
        background: #ddd;
        flex: none;
      }
      img.face,
      .placeholder {
        width: 88px;
        height: 88px;
        border-radius: 10px;
      }
      .name {
        font-weight: 600;
        font-size: 1.05rem;
        word-break: break-word;
      }
      .small {
        font-size: 0.85rem;
        opacity: 0.85;
      }
      /* Actions as small, even buttons; the two that erase the person set apart below the others. */
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.35rem;
        margin: 0.5rem 0 0;
      }
      .actions button {
        font-size: 0.85rem;
        padding: 0.3rem 0.6rem;
      }
      .actions.erase {
        border-top: 1px solid #e1e3e6;
        padding-top: 0.5rem;
      }
      .actions.erase button {
        color: #a31f1f;
        border-color: #d9a0a0;
      }
      img.photo {
        width: 48px;
        height: 48px;
      }
      .file {
        flex: 1 1 8rem;
        min-width: 0;
        overflow-wrap: anywhere;
        font-size: 0.9rem;
      }
    `,
  ];

  @property({ attribute: false }) matcher!: Matcher;
  @property({ attribute: false }) person!: Person;
  @state() private thumbnailUrl = '';
  /** Set once the thumbnail was looked for: none then means the gallery keeps none (initials are shown). */
  @state() private thumbnailChecked = false;
  @state() private mode:
    'view' | 'rename' | 'confirm-delete' | 'confirm-withdraw' | 'add' | 'photos' | 'consent' | 'restrict' = 'view';
  @state() private photos: EnrolledPhoto[] = [];
  @state() private busy = false;
  @state() private message: UserMessage | null = null;
  /** What the last action did, in words ("2 photos added", "Export saved…"). */
  @state() private notice = '';
  /** Photos refused because they do not look like this person, kept so they can be added anyway on purpose. */
  @state() private unlike: File[] = [];
  private photoUrls: string[] = [];

  /** The card stays while the person changes (photos added or removed, renamed): its face is read again each time. */
  protected updated(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('person')) void this.loadThumbnail();
  }

  private async loadThumbnail() {
    const blob = await this.matcher.thumbnail(this.person.id).catch(() => null);
    if (this.thumbnailUrl) URL.revokeObjectURL(this.thumbnailUrl);
    this.thumbnailUrl = blob ? URL.createObjectURL(blob) : '';
    this.thumbnailChecked = true;
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.thumbnailUrl) URL.revokeObjectURL(this.thumbnailUrl);
    this.revokePhotoUrls();
  }

  private revokePhotoUrls() {
    for (const url of this.photoUrls) URL.revokeObjectURL(url);
    this.photoUrls = [];
  }

  /** Tells the list to reload after a change. */
  private changed() {
    this.dispatchEvent(new PersonChangedEvent());
  }

  private async run(action: () => Promise<unknown>) {
    this.busy = true;
    this.message = null;
    this.notice = '';
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
    const input = rendered<HTMLInputElement>(this.renderRoot, '[data-testid=rename-input]');
    return this.run(() => this.matcher.renamePerson(this.person.id, input.value));
  }

  private restrict() {
    const input = rendered<HTMLInputElement>(this.renderRoot, '[data-testid=restrict-reason]');
    return this.run(() => this.matcher.restrictPerson(this.person.id, input.value));
  }

  private async showPhotos() {
    this.revokePhotoUrls();
    this.photos = await this.matcher.photosOf(this.person.id);
    this.photoUrls = this.photos.map((ph) => (ph.thumbnail ? URL.createObjectURL(ph.thumbnail) : ''));
    this.mode = 'photos';
  }

  private saveConsent() {
    const consent = rendered<ConsentForm>(this.renderRoot, 'consent-form').read();
    if (!consent) return;
    return this.run(() => this.matcher.updateConsent(this.person.id, consent));
  }

  private async exportPerson() {
    this.message = null;
    try {
      const fileName = `facelocal-${fileSafe(this.person.name)}.json`;
      saveFile(await this.matcher.exportPerson(this.person.id), fileName);
      this.notice = `Saved ${fileName} to this device's downloads: ${this.person.name}'s consent record, face data and photos of their face.`;
    } catch (error) {
      this.message = messageFor(error);
    }
  }

  private async receipt() {
    this.message = null;
    try {
      const [page, json] = saveReceipt(await this.matcher.consentReceipt(this.person.id), this.person.name);
      this.notice = `Saved ${this.person.name}'s consent receipt to this device's downloads: ${page} (to print or send) and ${json}.`;
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

  private addPhotos(e: PhotosSelectedEvent) {
    return this.add(e.files, false);
  }

  /**
   * Adds photos; a refused one gets its reason. A face that does not look like this person is not added silently:
   * the person sees why, and can add it anyway.
   */
  private async add(files: File[], evenIfUnlike: boolean) {
    this.busy = true;
    this.message = null;
    this.notice = '';
    this.unlike = [];
    try {
      const result = await this.matcher.addPhotos(this.person.id, files, { onlyIfAlike: !evenIfUnlike });
      const added = result.photos.filter((p) => p.ok).length;
      const refused = result.photos.filter((p) => !p.ok);
      this.unlike = files.filter((f) =>
        refused.some((p) => p.fileName === f.name && p.error?.code === 'not-this-person'),
      );
      const [first] = refused;
      if (first)
        this.message = {
          code: first.error.code,
          text: refused.map((p) => `${p.fileName}: ${p.error.message}`).join(' '),
        };
      this.notice = `${count(added, 'photo')} added to ${this.person.name}.`;
      if (added) this.changed();
      if (!this.unlike.length) this.mode = 'view';
    } catch (error) {
      this.message = messageFor(error);
    } finally {
      this.busy = false;
    }
  }

  render() {
    const p = this.person;
    return html`
      <div class="head">
        ${
          this.thumbnailUrl
            ? html`<img class="face" data-testid="person-face" src=${this.thumbnailUrl} alt=${p.name} />`
            : this.thumbnailChecked
              ? html`<face-initials .name=${p.name} .seed=${p.id} size="88"></face-initials>`
              : html`<div class="placeholder" aria-hidden="true"></div>`
        }
        <div>
          <div class="name" data-testid="person-name-label">${p.name}</div>
          <div data-testid="person-template-count">${count(p.templateCount, 'photo')}</div>
          <div class="small">
            Purpose:
            ${CONSENT_PURPOSES[p.consent.purpose]}${p.consent.purposeDetail ? ` — ${p.consent.purposeDetail}` : ''}
          </div>
          <div class="small" data-testid="person-expiry" data-expires-at=${p.expiresAt ?? ''}>
            Consent ${new Date(p.consent.givenAt).toISOString().slice(0, 10)}; ${describeExpiry(p.expiresAt)}
          </div>
          ${
            p.reenrol
              ? html`<div class="small" data-testid="person-reenrol">
                  <strong>Needs re-enrolling:</strong> their photos were read by another face model
                  (${p.reenrol.fromModels.join(', ')}), which this one cannot be compared with, so they are not
                  recognised until you add photos of them again (or, if they were named from a photo library import,
                  choose its folder again there: "Update faces from this folder"). Their name, consent and retention are
                  kept.
                </div>`
              : nothing
          }
          ${p.hidden ? html`<div class="small" data-testid="person-hidden">Hidden from this list (still recognised).</div>` : nothing}
          ${
            p.restriction
              ? html`<div class="small" data-testid="person-restriction">
                  <strong>Restricted</strong> since ${new Date(p.restriction.since).toISOString().slice(0, 10)}
                  (${p.restriction.reason}): kept, never matched or shown as a result until lifted.
                </div>`
              : nothing
          }
        </div>
      </div>
      ${
        this.mode === 'rename'
          ? html`<div class="row">
              <input
                type="text"
                data-testid="rename-input"
                aria-label="New name for ${p.name}"
                .value=${p.name}
                maxlength="100"
              />
              <button type="button" data-testid="rename-save" ?disabled=${this.busy} @click=${this.rename}>Save</button>
              <button type="button" class="secondary" @click=${() => (this.mode = 'view')}>Cancel</button>
            </div>`
          : nothing
      }
      ${
        this.mode === 'confirm-delete'
          ? html`<div class="row" role="alert">
              <span
                >Delete ${p.name}? Use this when they were added by mistake or are no longer needed. Their face data,
                photos and consent record are erased; the log records a deletion.</span
              >
              <button
                type="button"
                class="danger"
                data-testid="delete-confirm"
                ?disabled=${this.busy}
                @click=${() => this.run(() => this.matcher.deletePerson(p.id))}
              >
                Delete
              </button>
              <button type="button" class="secondary" @click=${() => (this.mode = 'view')}>Keep</button>
            </div>`
          : nothing
      }
      ${
        this.mode === 'confirm-withdraw'
          ? html`<div class="row" role="alert">
              <span
                >Use this when ${p.name} asks to withdraw their consent. Their face data, photos and consent record are
                erased now; the log records that they withdrew consent, and a withdrawal receipt for them to keep is
                saved.</span
              >
              <button
                type="button"
                class="danger"
                data-testid="withdraw-confirm"
                ?disabled=${this.busy}
                @click=${this.withdraw}
              >
                Withdraw and erase
              </button>
              <button type="button" class="secondary" @click=${() => (this.mode = 'view')}>Cancel</button>
            </div>`
          : nothing
      }
      ${
        this.mode === 'photos'
          ? html`<ul class="plain" data-testid="photo-list">
                ${this.photos.map(
                  (ph, i) =>
                    html`<li class="row" data-testid="photo" data-template-id=${ph.templateId}>
                      ${
                        this.photoUrls[i]
                          ? html`<img
                              class="photo"
                              src=${this.photoUrls[i]}
                              alt="Face from ${ph.sourceName}"
                              data-testid="photo-thumbnail"
                            />`
                          : html`<face-initials .name=${p.name} .seed=${p.id} size="48"></face-initials>`
                      }
                      <span class="file">${ph.sourceName}</span>
                      ${
                        ph.templateId === p.coverTemplateId
                          ? html`<span class="small" data-testid="cover-photo">Represents ${p.name}</span>`
                          : html`<button
                              type="button"
                              class="secondary"
                              data-testid="set-cover"
                              ?disabled=${this.busy || !ph.thumbnail}
                              @click=${() => this.run(() => this.matcher.setCoverPhoto(p.id, ph.templateId))}
                            >
                              Use this photo for ${p.name}
                            </button>`
                      }
                      <button
                        type="button"
                        class="secondary"
                        data-testid="remove-photo"
                        ?disabled=${this.busy || this.photos.length === 1}
                        @click=${() => this.run(() => this.matcher.removePhoto(p.id, ph.templateId))}
                      >
                        Remove
                      </button>
                    </li>`,
                )}
              </ul>
              <button type="button" class="secondary" data-testid="photos-done" @click=${() => (this.mode = 'view')}>
                Done
              </button>`
          : nothing
      }
      ${
        this.mode === 'consent'
          ? html`<consent-form .subjectName=${p.name} .initial=${p.consent}></consent-form>
              <p class="small">Saving records a fresh consent given today; retention counts from today.</p>
              <div class="row">
                <button type="button" data-testid="consent-save" ?disabled=${this.busy} @click=${this.saveConsent}>
                  Save consent
                </button>
                <button type="button" class="secondary" @click=${() => (this.mode = 'view')}>Cancel</button>
              </div>`
          : nothing
      }
      ${
        this.mode === 'restrict'
          ? html`<div class="row">
                <input
                  type="text"
                  data-testid="restrict-reason"
                  aria-label="Why processing of ${p.name} is restricted"
                  placeholder="Who asked, and what they contest"
                  maxlength="500"
                />
                <button type="button" data-testid="restrict-save" ?disabled=${this.busy} @click=${this.restrict}>
                  Restrict
                </button>
                <button type="button" class="secondary" @click=${() => (this.mode = 'view')}>Cancel</button>
              </div>
              <p class="small">
                Restricted: ${p.name} stays in the gallery with their consent record, but is never matched, never shown
                as a result and never revealed through the widget until you lift it.
              </p>`
          : nothing
      }
      ${
        this.mode === 'add'
          ? html`<photo-picker
                label="More photos of ${p.name}"
                multiple
                testid="add-photos"
                ?disabled=${this.busy}
                @photos-selected=${this.addPhotos}
              ></photo-picker>
              <div class="row">
                ${
                  this.unlike.length
                    ? html`<button
                        type="button"
                        class="secondary"
                        data-testid="add-anyway"
                        ?disabled=${this.busy}
                        @click=${() => this.add(this.unlike, true)}
                      >
                        They are ${p.name}: add ${this.unlike.length === 1 ? 'it' : 'them'} anyway
                      </button>`
                    : nothing
                }
                <button
                  type="button"
                  class="secondary"
                  @click=${() => {
                    this.mode = 'view';
                    this.unlike = [];
                  }}
                >
                  Done
                </button>
              </div>`
          : nothing
      }
      ${
        this.mode === 'view'
          ? html`<div class="actions" role="group" aria-label="${p.name}: photos, name, data">
                <button type="button" class="secondary" data-testid="add" @click=${() => (this.mode = 'add')}>
                  Add photos
                </button>
                <button type="button" class="secondary" data-testid="photos" @click=${this.showPhotos}>Photos</button>
                <button type="button" class="secondary" data-testid="rename" @click=${() => (this.mode = 'rename')}>
                  Rename
                </button>
                <button type="button" class="secondary" data-testid="consent" @click=${() => (this.mode = 'consent')}>
                  Consent / extend
                </button>
                <button type="button" class="secondary" data-testid="export-person" @click=${this.exportPerson}>
                  Export data
                </button>
                <button type="button" class="secondary" data-testid="consent-receipt" @click=${this.receipt}>
                  Consent receipt
                </button>
                ${
                  p.restriction
                    ? html`<button
                        type="button"
                        class="secondary"
                        data-testid="lift-restriction"
                        ?disabled=${this.busy}
                        @click=${() => this.run(() => this.matcher.liftRestriction(p.id))}
                      >
                        Lift restriction
                      </button>`
                    : html`<button
                        type="button"
                        class="secondary"
                        data-testid="restrict"
                        @click=${() => (this.mode = 'restrict')}
                      >
                        Restrict
                      </button>`
                }
                <button
                  type="button"
                  class="secondary"
                  data-testid=${p.hidden ? 'unhide-person' : 'hide-person'}
                  ?disabled=${this.busy}
                  @click=${() => this.run(() => this.matcher.setHidden(p.id, !p.hidden))}
                >
                  ${p.hidden ? 'Show in the list' : 'Hide'}
                </button>
              </div>
              <div class="actions erase" role="group" aria-label="${p.name}: erase">
                <button
                  type="button"
                  class="secondary"
                  data-testid="withdraw"
                  @click=${() => (this.mode = 'confirm-withdraw')}
                >
                  Withdraw consent
                </button>
                <button
                  type="button"
                  class="secondary"
                  data-testid="delete"
                  @click=${() => (this.mode = 'confirm-delete')}
                >
                  Delete
                </button>
              </div>`
          : nothing
      }
      ${this.busy ? html`<div class="busy" role="status">Working…</div>` : nothing}
      ${this.notice ? html`<div class="message info" role="status" data-testid="person-notice">${this.notice}</div>` : nothing}
      ${alertMessage(this.message)}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'person-card': PersonCard;
  }
}
