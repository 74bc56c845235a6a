// One group of an import (likely one person): its faces as a grid; select faces to move them; split; select the
// group to merge it; name it with the person's consent to enrol them. Emits events; the import panel acts on them.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { EnrolledLookAlike, ImportedFace } from '../index';
import { cardStyles, panelStyles } from './shared-styles';
import './consent-form';
import './face-initials';
import type { ConsentForm } from './consent-form';
import { rendered } from './dom';
import { count } from './messages';
import { AddGroupToEvent, EnrolGroupEvent, GroupSelectedEvent, MoveFacesEvent, SplitGroupEvent } from './events';

export interface GroupTarget {
  id: string;
  label: string;
}

@customElement('import-group')
export class ImportGroup extends LitElement {
  static styles = [
    panelStyles,
    cardStyles,
    css`
      .faces {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(64px, 1fr));
        gap: 0.35rem;
        margin: 0.5rem 0;
      }
      .face {
        padding: 0;
        border: 3px solid transparent;
        border-radius: 6px;
        background: none;
        cursor: pointer;
      }
      .face[aria-pressed='true'] {
        border-color: #2f6fed;
      }
      .face img {
        width: 100%;
        aspect-ratio: 1;
        display: block;
        border-radius: 4px;
      }
      .problem {
        font-size: 0.75rem;
        display: block;
      }
      h3 {
        font-size: 1rem;
        margin: 0;
      }
      .hint {
        font-size: 0.85rem;
        margin: 0.25rem 0;
      }
      select {
        font: inherit;
        max-width: 100%;
      }
    `,
  ];

  /** null: not a real group (unassigned or poor faces): no naming, splitting or merging. */
  @property() groupId: string | null = null;
  @property() heading = '';
  @property({ attribute: false }) faces: ImportedFace[] = [];
  /** Where faces can be moved to (the other groups, plus "new group" and "out of groups"). */
  @property({ attribute: false }) targets: GroupTarget[] = [];
  @property({ type: Boolean }) busy = false;
  /** Someone already enrolled these faces look like: offered first, so naming cannot make a second record of them. */
  @property({ attribute: false }) alreadyEnrolled: EnrolledLookAlike | null = null;
  @state() private selected = new Set<string>();
  @state() private naming = false;
  @state() private name = '';
  @state() private problem = '';
  private urls = new Map<string, string>();

  disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const url of this.urls.values()) URL.revokeObjectURL(url);
    this.urls.clear();
  }

  private urlOf(face: ImportedFace & { thumbnail: Blob }): string {
    let url = this.urls.get(face.id);
    if (!url) this.urls.set(face.id, (url = URL.createObjectURL(face.thumbnail)));
    return url;
  }

  // Group-only actions: the "In no group" card (groupId null) renders none of them.
  private addTo(personId: string) {
    if (this.groupId) this.dispatchEvent(new AddGroupToEvent(this.groupId, personId));
  }

  private select(e: Event) {
    if (this.groupId) this.dispatchEvent(new GroupSelectedEvent(this.groupId, (e.target as HTMLInputElement).checked));
  }

  private split() {
    if (this.groupId) this.dispatchEvent(new SplitGroupEvent(this.groupId));
  }

  private toggle(face: ImportedFace) {
    const next = new Set(this.selected);
    if (!next.delete(face.id)) next.add(face.id);
    this.selected = next;
  }

  private move() {
    const to = rendered<HTMLSelectElement>(this.renderRoot, '[data-testid=move-target]').value;
    this.dispatchEvent(new MoveFacesEvent([...this.selected], to === '' ? null : to));
    this.selected = new Set();
  }

  private enrol(e: Event) {
    e.preventDefault();
    this.problem = '';
    if (!this.name.trim()) {
      this.problem = 'Enter the name of this person.';
      return;
    }
    const consent = rendered<ConsentForm>(this.renderRoot, 'consent-form').read();
    if (!consent) {
      this.problem = 'No consent recorded, so no one was enrolled: complete the consent record.';
      return;
    }
    if (this.groupId) this.dispatchEvent(new EnrolGroupEvent(this.groupId, { name: this.name, consent }));
  }

  private renderAlreadyEnrolled(who: EnrolledLookAlike) {
    return html`<div
      class="message info"
      data-testid="group-already-enrolled"
      data-person-id=${who.personId}
      data-kind=${who.kind}
    >
      ${
        who.kind === 'known'
          ? html`These faces look like <strong>${who.name}</strong>, who is already enrolled.`
          : html`These faces may show <strong>${who.name}</strong>, who is already enrolled (a possible match: check for
              yourself).`
      }
      <div class="row">
        <button
          type="button"
          data-testid="add-group-to"
          ?disabled=${this.busy}
          @click=${() => this.addTo(who.personId)}
        >
          Add ${this.faces.length === 1 ? 'this face' : `these ${this.faces.length} faces`} to ${who.name}
        </button>
      </div>
    </div>`;
  }

  render() {
    const isGroup = this.groupId !== null;
    return html`
      <div class="row">
        ${
          isGroup
            ? html`<input
                type="checkbox"
                data-testid="group-select"
                id="select"
                aria-label="Select ${this.heading} to merge"
                @change=${this.select}
              />`
            : nothing
        }
        <h3>
          ${this.heading}
          <span data-testid="group-size">(${count(this.faces.length, 'face')})</span>
        </h3>
      </div>
      ${this.targets.length ? html`<p class="hint">Tap or click faces to select them (a blue frame), then move them to another group.</p>` : nothing}
      <div class="faces" role="list">
        ${this.faces.map(
          (f) =>
            html`<div role="listitem">
              <button
                type="button"
                class="face"
                data-testid="import-face"
                data-face-id=${f.id}
                data-file=${f.fileName}
                aria-pressed=${String(this.selected.has(f.id))}
                title=${f.problem ?? f.fileName}
                @click=${() => this.toggle(f)}
              >
                ${
                  f.thumbnail
                    ? html`<img
                        src=${this.urlOf(f as ImportedFace & { thumbnail: Blob })}
                        alt="Face from ${f.fileName}"
                      />`
                    : html`<face-initials
                        name="?"
                        .seed=${f.id}
                        size="72"
                        title="No picture kept (this gallery keeps no thumbnails)"
                      ></face-initials>`
                }
              </button>
              ${f.problem ? html`<span class="problem" data-testid="face-problem">${f.problem}</span>` : nothing}
            </div>`,
        )}
      </div>
      ${
        this.selected.size
          ? html`<div class="row">
              <label
                >Move ${count(this.selected.size, 'selected face')} to
                <select data-testid="move-target">
                  ${this.targets.filter((t) => t.id !== this.groupId).map((t) => html`<option value=${t.id}>${t.label}</option>`)}
                </select>
              </label>
              <button type="button" data-testid="move-faces" ?disabled=${this.busy} @click=${this.move}>Move</button>
            </div>`
          : nothing
      }
      ${isGroup && this.alreadyEnrolled ? this.renderAlreadyEnrolled(this.alreadyEnrolled) : nothing}
      ${
        isGroup
          ? html`<div class="row">
                <button
                  type="button"
                  class="secondary"
                  data-testid="split-group"
                  ?disabled=${this.busy || this.faces.length < 2}
                  @click=${this.split}
                >
                  Split
                </button>
                <button
                  type="button"
                  class="secondary"
                  data-testid="name-group"
                  aria-expanded=${String(this.naming)}
                  @click=${() => (this.naming = !this.naming)}
                >
                  ${this.alreadyEnrolled ? 'Name as someone new…' : 'Name this person…'}
                </button>
              </div>
              ${
                this.naming
                  ? html`<form @submit=${this.enrol} aria-label="Name and enrol ${this.heading}">
                      <p>
                        Enrol this person only with their consent. The ${count(this.faces.length, 'face')} above become
                        their templates.
                      </p>
                      <div class="row">
                        <label for="group-name">Name</label>
                        <input
                          id="group-name"
                          type="text"
                          data-testid="group-name"
                          maxlength="100"
                          autocomplete="off"
                          @input=${(e: Event) => {
                            this.name = (e.target as HTMLInputElement).value;
                            this.problem = ''; /* a fixed error goes */
                          }}
                        />
                      </div>
                      <consent-form .subjectName=${this.name}></consent-form>
                      <button type="submit" data-testid="enrol-group" ?disabled=${this.busy}>
                        Enrol ${this.name.trim() || 'this person'}
                      </button>
                      ${this.problem ? html`<div class="message" role="alert" data-testid="group-problem">${this.problem}</div>` : nothing}
                    </form>`
                  : nothing
              }`
          : nothing
      }
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'import-group': ImportGroup;
  }
}
