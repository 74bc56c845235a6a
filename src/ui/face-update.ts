// After a model change: people named from an import are recognised again once its folder is picked again, as their
// faces are read from the same photos and embedded by the model in use; the import's unnamed faces of the old model
// are updated too, so they are grouped and can be named again. Shown on an import only while someone needs
// re-enrolling or the import holds faces of another model (or to say how it went).
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { FaceUpdate, Matcher } from '../index';
import { alertMessage, count, messageFor, type UserMessage } from './messages';
import { panelStyles } from './shared-styles';

@customElement('face-update')
export class FaceUpdatePanel extends LitElement {
  static styles = [
    panelStyles,
    // A card like the library's other tools; not cardStyles (on :host), as the element is often empty.
    css`
      section {
        border: 1px solid #c9ccd1;
        border-radius: 8px;
        padding: 0.5rem 0.75rem;
        margin: 0.75rem 0;
      }
    `,
  ];

  @property({ attribute: false }) matcher!: Matcher;
  @property() jobId = '';
  /** The import's unnamed faces read by another model (not grouped, compared or named until updated). */
  @property({ type: Number }) outdatedFaces = 0;
  /** People who need re-enrolling now (another model made all their templates). */
  @state() private waiting = 0;
  @state() private outcome: FaceUpdate | null = null;
  @state() private message: UserMessage | null = null;
  @state() private busy = false;

  connectedCallback(): void {
    super.connectedCallback();
    void this.countWaiting();
  }

  private async countWaiting() {
    try {
      this.waiting = (await this.matcher.listPeople()).filter((p) => p.reenrol && !p.restriction).length;
    } catch {
      this.waiting = 0; // locked: the panel says so elsewhere
    }
  }

  private async onFolder(e: Event) {
    const input = e.target as HTMLInputElement;
    const files = Array.from(input.files ?? []);
    input.value = '';
    if (files.length === 0) return;
    this.busy = true;
    this.message = null;
    this.outcome = null;
    try {
      this.outcome = await this.matcher.imports.updateFaces(this.jobId, files);
      this.dispatchEvent(new Event('faces-updated', { bubbles: true, composed: true }));
    } catch (error) {
      this.message = messageFor(error);
    } finally {
      await this.countWaiting();
      this.busy = false;
    }
  }

  private renderOutcome(o: FaceUpdate) {
    const updated = o.peopleUpdated.map((p) => p.name).join(', ');
    return html`<div
      class="message info"
      role="status"
      data-testid="update-faces-outcome"
      data-photos-read=${o.photosRead}
      data-faces=${o.facesReembedded}
      data-people=${o.peopleUpdated.length}
      data-missing=${o.photosMissing}
      data-changed=${o.photosChanged.length}
      data-unnamed=${o.unnamedFacesReembedded}
    >
      ${count(o.photosRead, 'photo')} read again, ${count(o.facesReembedded, 'face')} updated.
      ${o.unnamedFacesReembedded ? ` ${count(o.unnamedFacesReembedded, 'unnamed face')} of this import updated: grouped and compared again.` : ''}
      ${
        updated
          ? `Recognised again: ${updated}.`
          : o.stillNeedReenrolling
            ? 'Nobody could be brought up to date from these photos.'
            : 'Nobody named from these photos needed updating.'
      }
      ${o.facesNotFound ? ` ${count(o.facesNotFound, 'face')} could not be found again in its photo and was left as it was.` : ''}
      ${o.photosMissing ? ` ${count(o.photosMissing, 'photo')} of this import ${o.photosMissing === 1 ? 'is' : 'are'} not in this folder.` : ''}
      ${
        o.photosChanged.length
          ? ` ${count(o.photosChanged.length, 'photo')} changed since the import read ${o.photosChanged.length === 1 ? 'it' : 'them'} (size or date), so ${o.photosChanged.length === 1 ? 'it was' : 'they were'} not trusted: ${o.photosChanged.slice(0, 5).join(', ')}${o.photosChanged.length > 5 ? '…' : ''}.`
          : ''
      }
      ${o.stillNeedReenrolling ? ` ${count(o.stillNeedReenrolling, 'person', 'people')} still need${o.stillNeedReenrolling === 1 ? 's' : ''} re-enrolling: add photos of them on the People tab.` : ''}
    </div>`;
  }

  render() {
    if (this.waiting === 0 && this.outdatedFaces === 0 && !this.outcome && !this.message) return nothing;
    return html`<section data-testid="update-faces" data-waiting=${this.waiting} data-outdated=${this.outdatedFaces}>
      <h3>Update faces from this folder</h3>
      ${
        this.waiting
          ? html`<p class="small">
              ${count(this.waiting, 'person', 'people')} named with another face model
              ${this.waiting === 1 ? 'is' : 'are'} not recognised until re-enrolled. If they were named from this
              import, choose its folder again: their faces are read from the same photos and updated, and their names,
              consent and retention are kept. Only photos unchanged since the import read them are used; nothing of the
              photos is kept.
            </p>`
          : nothing
      }
      ${
        this.outdatedFaces
          ? html`<p class="small" data-testid="update-faces-unnamed">
              ${count(this.outdatedFaces, 'unnamed face')} of this import ${this.outdatedFaces === 1 ? 'was' : 'were'}
              read by another face model: ${this.outdatedFaces === 1 ? 'it is' : 'they are'} not grouped, compared or
              named until updated from the import's folder.
            </p>`
          : nothing
      }
      <label
        >The import's folder (read again now, not kept)
        <input
          type="file"
          webkitdirectory
          data-testid="update-faces-folder"
          ?disabled=${this.busy}
          @change=${this.onFolder}
      /></label>
      ${this.busy ? html`<p role="status">Reading the photos again…</p>` : nothing}
      ${alertMessage(this.message, 'update-faces-message')} ${this.outcome ? this.renderOutcome(this.outcome) : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'face-update': FaceUpdatePanel;
  }
}
