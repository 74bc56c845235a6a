// Enrol a person from photos, and the list of people enrolled on this device.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { keyed } from 'lit/directives/keyed.js';
import type { ConsentRecord, EnrolResult, EnrolledLookAlike, Matcher, Person } from '../index';
import { alertMessage, count, messageFor, type UserMessage } from './messages';
import { panelStyles } from './shared-styles';
import { saveReceipt } from './download';
import { THUMBNAIL_CHOICES } from './thumbnail-choice';
import './photo-picker';
import './person-card';
import './consent-form';
import type { ConsentForm } from './consent-form';
import type { PhotosSelectedEvent } from './events';
import { rendered } from './dom';

@customElement('people-panel')
export class PeoplePanel extends LitElement {
  static styles = [
    panelStyles,
    css`
      form {
        border: 1px solid #c9ccd1;
        border-radius: 8px;
        padding: 0.75rem;
        margin-bottom: 1.25rem;
      }
      .empty {
        border: 1px dashed #8a8f98;
        border-radius: 8px;
        padding: 0.25rem 1rem;
        margin-bottom: 1rem;
        background: rgba(47, 111, 237, 0.05);
      }
      .people {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 17rem), 1fr));
        gap: 0.75rem;
      }
      li[data-ok='true'] {
        color: #1b7a4a;
      }
      li[data-ok='false'] {
        color: #a31f1f;
      }
    `,
  ];

  @property({ attribute: false }) matcher!: Matcher;
  @state() private people: Person[] = [];
  /** False until the first list arrives, so "No one enrolled yet" is never shown for a gallery still loading. */
  @state() private loaded = false;
  @state() private files: File[] = [];
  @state() private busy = false;
  @state() private result: EnrolResult | null = null;
  @state() private message: UserMessage | null = null;
  @state() private name = '';
  /** Bumped after each enrolment so the consent form starts empty for the next person. */
  @state() private enrolments = 0;
  /** The photos look like someone already enrolled: the person is asked before a second record is made. */
  @state() private duplicate: { lookAlike: EnrolledLookAlike; name: string; consent: ConsentRecord } | null = null;
  /** Whose photos the outcome lines are about ("added to …"). */
  @state() private resultFor = '';
  /** The gallery's face-thumbnail choice; null: not made yet, so it is asked (first run). */
  @state() private thumbnails: 'keep' | 'drop' | null | undefined = undefined;
  /** Hidden people are left out of the list unless asked for. */
  @state() private showHidden = false;

  private onGalleryChanged = () => void this.refresh();

  connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('facelocal-gallery-changed', this.onGalleryChanged);
    void this.refresh();
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('facelocal-gallery-changed', this.onGalleryChanged);
  }

  private async refresh() {
    try {
      this.thumbnails = await this.matcher.thumbnailSetting();
      this.people = await this.matcher.listPeople();
      this.loaded = true;
    } catch (error) {
      this.message = messageFor(error);
    }
  }

  private async enrol(e: Event) {
    e.preventDefault();
    const name = rendered<HTMLInputElement>(this.renderRoot, '[data-testid=person-name]');
    if (!name.value.trim()) {
      this.message = { code: 'invalid-name', text: 'Enter a name for this person.' };
      return;
    }
    if (this.files.length === 0) {
      this.message = { code: 'no-face', text: 'Choose at least one photo of this person.' };
      return;
    }
    const consent = rendered<ConsentForm>(this.renderRoot, 'consent-form').read();
    if (!consent) {
      this.message = {
        code: 'consent-required',
        text: 'No consent recorded, so no one was added: complete the consent record.',
      };
      return;
    }
    await this.save(
      name.value,
      () => this.matcher.enrol({ name: name.value, consent }, this.files, { checkEnrolled: true }),
      consent,
    );
  }

  /** Runs an enrolment (or an addition to someone enrolled) and shows its outcome; the form resets when it worked. */
  private async save(forName: string, action: () => Promise<EnrolResult>, consent?: ConsentRecord) {
    this.busy = true;
    this.result = null;
    this.message = null;
    this.duplicate = null;
    try {
      const result = await action();
      if (result.alreadyEnrolled && consent) {
        this.duplicate = { lookAlike: result.alreadyEnrolled, name: forName, consent };
        return;
      }
      this.result = result;
      this.resultFor = result.person?.name ?? forName;
      if (result.person && result.photos.some((p) => p.ok)) this.resetForm();
      else
        this.message = {
          code: 'no-face',
          text: 'No photo could be used, so nothing was added. See the reason for each photo below.',
        };
      await this.refresh();
    } catch (error) {
      this.message = messageFor(error);
    } finally {
      this.busy = false;
    }
  }

  /** The receipt of the person just enrolled (the button shows only then). */
  private saveEnrolledReceipt() {
    const person = this.result?.person;
    if (person) void this.saveReceipt(person);
  }

  private async saveReceipt(person: Person) {
    try {
      saveReceipt(await this.matcher.consentReceipt(person.id), person.name);
    } catch (error) {
      this.message = messageFor(error);
    }
  }

  private resetForm() {
    rendered<HTMLInputElement>(this.renderRoot, '[data-testid=person-name]').value = '';
    this.name = '';
    this.files = [];
    this.enrolments++;
  }

  private addToEnrolled() {
    const d = this.duplicate;
    if (!d) return;
    return this.save(d.lookAlike.name, () =>
      this.matcher.addPhotos(d.lookAlike.personId, this.files, { onlyIfAlike: true }),
    );
  }

  private enrolAnyway() {
    const d = this.duplicate;
    if (!d) return;
    return this.save(d.name, () => this.matcher.enrol({ name: d.name, consent: d.consent }, this.files));
  }

  private choosePhotos(e: PhotosSelectedEvent) {
    this.files = e.files;
    this.startOver();
  }

  /** Typing a new name or choosing new photos starts a new enrolment: the last one's lines and questions go. */
  private startOver() {
    this.result = null;
    this.duplicate = null;
    this.message = null;
  }

  private renderDuplicate(d: NonNullable<PeoplePanel['duplicate']>) {
    const who = d.lookAlike.name;
    return html`<div
      class="message info"
      role="alert"
      data-testid="already-enrolled"
      data-person-id=${d.lookAlike.personId}
      data-kind=${d.lookAlike.kind}
    >
      <p>
        ${
          d.lookAlike.kind === 'known'
            ? html`These photos look like <strong>${who}</strong>, who is already enrolled.`
            : html`These photos may show <strong>${who}</strong>, who is already enrolled (a possible match: check for
                yourself).`
        }
        Add them to ${who} instead of making a second record?
      </p>
      <div class="row">
        <button type="button" data-testid="add-to-enrolled" ?disabled=${this.busy} @click=${this.addToEnrolled}>
          Add these photos to ${who}
        </button>
        <button
          type="button"
          class="secondary"
          data-testid="enrol-anyway"
          ?disabled=${this.busy}
          @click=${this.enrolAnyway}
        >
          No, ${d.name} is someone else: add them
        </button>
        <button type="button" class="secondary" data-testid="duplicate-cancel" @click=${() => (this.duplicate = null)}>
          Cancel
        </button>
      </div>
    </div>`;
  }

  private async chooseThumbnails(choice: 'keep' | 'drop') {
    try {
      await this.matcher.setThumbnails(choice);
      this.thumbnails = choice;
    } catch (error) {
      this.message = messageFor(error);
    }
  }

  /** First run: the gallery asks whether to keep pictures of faces at all, saying what each choice means. */
  private renderThumbnailQuestion() {
    return html`<section class="message info" data-testid="thumbnails-question" aria-label="Face thumbnails">
      <p>
        <strong>Keep pictures of faces?</strong> Facelocal recognises people from templates (numbers), not pictures.
        Choose what this gallery keeps (you can change it later in Your data):
      </p>
      <ul class="plain">
        ${THUMBNAIL_CHOICES.map(
          (c) =>
            html`<li>
              <button
                type="button"
                class=${c.value === 'drop' ? '' : 'secondary'}
                data-testid="thumbnails-choose-${c.value}"
                @click=${() => this.chooseThumbnails(c.value)}
              >
                ${c.label}
              </button>
              ${c.means}
            </li>`,
        )}
      </ul>
      <p class="small">Until you choose, thumbnails are kept.</p>
    </section>`;
  }

  private onShowHidden(e: Event) {
    this.showHidden = (e.target as HTMLInputElement).checked;
  }

  render() {
    const hidden = this.people.filter((p) => p.hidden);
    // Cards are keyed by person id alone: a card outlives changes to its person (photos added, renamed, restricted),
    // so what it has just said ("1 photo added…", "Saved …") stays on screen; it re-reads the face itself.
    const empty = this.loaded && this.people.length === 0;
    return html`
      ${
        empty /* first thing on a first visit: what to do, before the question and the form that does it */
          ? html`<div class="empty" data-testid="people-empty">
              <p>
                <strong>No one enrolled yet.</strong> Start with someone who agrees: type their name below, choose 2 or
                3 photos of them alone, and record their consent.
              </p>
              <p>
                Many photos to go through? The <em>Photo library</em> tab finds the faces in them and groups them by
                person first.
              </p>
            </div>`
          : nothing
      }
      ${this.thumbnails === null ? this.renderThumbnailQuestion() : nothing}
      <h2>Add a person</h2>
      <form @submit=${this.enrol} aria-label="Add a person">
        <div class="row">
          <label for="name">Name</label>
          <input
            id="name"
            type="text"
            data-testid="person-name"
            maxlength="100"
            autocomplete="off"
            ?disabled=${this.busy}
            @input=${(e: Event) => {
              this.name = (e.target as HTMLInputElement).value;
              this.startOver();
            }}
          />
        </div>
        ${keyed(
          this.enrolments,
          html`<photo-picker
              label="Photos of them alone (2 or 3 work best)"
              multiple
              testid="person-photos"
              ?disabled=${this.busy}
              @photos-selected=${this.choosePhotos}
            ></photo-picker>
            <consent-form .subjectName=${this.name}></consent-form>`,
        )}
        <div class="row">
          <button type="submit" data-testid="enrol-submit" ?disabled=${this.busy}>Add person</button>
          ${this.busy ? html`<span class="busy" role="status">Reading faces…</span>` : nothing}
        </div>
        ${this.duplicate ? this.renderDuplicate(this.duplicate) : nothing} ${alertMessage(this.message)}
        ${
          this.result?.person
            ? html`<p data-testid="enrolled-receipt">
                ${this.result.person.name} was added. Give them their consent receipt to keep:
                <button
                  type="button"
                  class="secondary"
                  data-testid="enrolled-receipt-download"
                  @click=${this.saveEnrolledReceipt}
                >
                  Consent receipt
                </button>
              </p>`
            : nothing
        }
        ${
          this.result
            ? html`<ul class="plain" data-testid="enrol-result" aria-label="What happened to each photo">
                ${this.result.photos.map(
                  (p) =>
                    html`<li
                      data-testid="enrol-outcome"
                      data-ok=${String(p.ok)}
                      data-code=${p.ok ? nothing : p.error.code}
                    >
                      ${p.fileName}: ${p.ok ? `added to ${this.resultFor}` : p.error.message}
                    </li>`,
                )}
              </ul>`
            : nothing
        }
      </form>
      <h2>People on this device${this.loaded ? ` (${this.people.length})` : ''}</h2>
      ${
        !this.loaded
          ? html`<p class="busy" role="status">Opening the gallery…</p>`
          : html`<div
              class="people"
              data-testid="people-list"
              data-count=${this.people.length}
              @person-changed=${this.refresh}
            >
              ${this.people.length === 0 ? html`<p class="none">No one yet: each person you add appears here with their face.</p>` : nothing}
              ${
                hidden.length
                  ? html`<label class="small"
                      ><input
                        type="checkbox"
                        data-testid="show-hidden"
                        .checked=${this.showHidden}
                        @change=${this.onShowHidden}
                      />
                      Show ${count(hidden.length, 'hidden person', 'hidden people')}</label
                    >`
                  : nothing
              }
              ${repeat(
                this.showHidden ? this.people : this.people.filter((p) => !p.hidden),
                (p) => p.id,
                (p) =>
                  html`<person-card
                    data-testid="person"
                    data-person-id=${p.id}
                    data-name=${p.name}
                    data-restricted=${String(p.restriction !== null)}
                    .matcher=${this.matcher}
                    .person=${p}
                  ></person-card>`,
              )}
            </div>`
      }
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'people-panel': PeoplePanel;
  }
}
