// One enrolled person: thumbnail, name, photo count, and the actions on them (add photos, rename, delete).
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Matcher, Person } from '../index';
import { messageFor, type UserMessage } from './messages';
import { panelStyles } from './shared-styles';
import './photo-picker';

@customElement('person-card')
export class PersonCard extends LitElement {
  static styles = [
    panelStyles,
    css`
      :host { border: 1px solid #c9ccd1; border-radius: 8px; padding: 0.75rem; }
      .head { display: flex; gap: 0.75rem; align-items: center; }
      img, .placeholder { width: 64px; height: 64px; border-radius: 6px; object-fit: cover; background: #ddd; flex: none; }
      .name { font-weight: 600; word-break: break-word; }
    `,
  ];

  @property({ attribute: false }) matcher!: Matcher;
  @property({ attribute: false }) person!: Person;
  @state() private thumbnailUrl = '';
  @state() private mode: 'view' | 'rename' | 'confirm-delete' | 'add' = 'view';
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
      ${this.mode === 'add'
        ? html`<photo-picker label="More photos of ${p.name}" multiple testid="add-photos" ?disabled=${this.busy} @photos-selected=${this.addPhotos}></photo-picker>`
        : nothing}
      ${this.mode === 'view'
        ? html`<div class="row">
            <button type="button" class="secondary" data-testid="add" @click=${() => (this.mode = 'add')}>Add photos</button>
            <button type="button" class="secondary" data-testid="rename" @click=${() => (this.mode = 'rename')}>Rename</button>
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
