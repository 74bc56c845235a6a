// Find photos by the people in them: choose who must be in a photo (all of), who may be (any of) and who must not
// (none of), pick the library's folder again, and see each photo found with its faces boxed and named. The photos
// are read from the folder now and shown; nothing of them is stored.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { FoundPhoto, ImportGroups, Matcher, Person } from '../index';
import { count, messageFor, type UserMessage } from './messages';
import { cardStyles, panelStyles } from './shared-styles';

type Role = '' | 'all' | 'any' | 'none';
/** Found photos drawn at most: the rest are counted. */
const SHOWN = 40;

@customElement('photo-finder')
export class PhotoFinder extends LitElement {
  static styles = [
    panelStyles,
    cardStyles,
    css`
      .who {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr));
        gap: 0.25rem 1rem;
      }
      .results {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(220px, 1fr));
        gap: 0.5rem;
      }
      canvas {
        width: 100%;
        height: auto;
        border-radius: 4px;
      }
      figcaption {
        font-size: 0.8rem;
        overflow-wrap: anywhere;
      }
    `,
  ];

  @property({ attribute: false }) matcher!: Matcher;
  @property({ attribute: false }) groups: ImportGroups | null = null;
  @state() private people: Person[] = [];
  @state() private roles = new Map<string, Role>();
  @state() private found: FoundPhoto[] | null = null;
  @state() private message: UserMessage | null = null;
  @state() private busy = false;
  /** The folder as picked now: held in memory to draw the photos found, never stored. */
  private files = new Map<string, File>();

  protected willUpdate(changed: Map<string, unknown>): void {
    // Named people can change with the groups (a group named, or added to someone): read them again.
    if (changed.has('groups'))
      void this.matcher.listPeople().then(
        (people) => (this.people = people),
        () => undefined,
      );
  }

  private get candidates(): { id: string; label: string }[] {
    return [
      ...this.people.filter((p) => !p.hidden && !p.restriction).map((p) => ({ id: p.id, label: p.name })),
      ...(this.groups?.groups ?? []).map((g, i) => ({ id: g.id, label: `Group ${i + 1}` })),
    ];
  }

  private setRole(id: string, e: Event) {
    const next = new Map(this.roles);
    next.set(id, (e.target as HTMLSelectElement).value as Role);
    this.roles = next;
  }

  private onFolder(e: Event) {
    const input = e.target as HTMLInputElement;
    this.files = new Map(Array.from(input.files ?? []).map((f) => [f.webkitRelativePath || f.name, f]));
    input.value = '';
    void this.find();
  }

  private async find() {
    if (!this.groups) return;
    const pick = (role: Role) => [...this.roles].filter(([, r]) => r === role).map(([id]) => id);
    const query = { allOf: pick('all'), anyOf: pick('any'), noneOf: pick('none') };
    this.message = null;
    if (query.allOf.length + query.anyOf.length + query.noneOf.length === 0) {
      this.message = {
        code: 'error',
        text: 'Choose at least one person: who must be in the photos, who may be, or who must not.',
      };
      return;
    }
    if (this.files.size === 0) {
      this.message = {
        code: 'error',
        text: 'Choose the folder of photos again: the photos are read from it now, not kept by Facelocal.',
      };
      return;
    }
    this.busy = true;
    try {
      this.found = await this.matcher.imports.findPhotos(this.groups.jobId, query, [...this.files.keys()]);
      await this.updateComplete;
      await this.draw();
    } catch (error) {
      this.message = messageFor(error);
    } finally {
      this.busy = false;
    }
  }

  /** Each photo found, read from the picked folder, with its faces boxed and labelled. */
  private async draw() {
    const labels = new Map(this.candidates.map((c) => [c.id, c.label]));
    const canvases = this.renderRoot.querySelectorAll<HTMLCanvasElement>('canvas[data-file]');
    for (const canvas of canvases) {
      const photo = this.found?.find((p) => p.fileName === canvas.dataset.file);
      const file = photo && this.files.get(photo.fileName);
      if (!photo || !file) continue;
      const bitmap = await createImageBitmap(file).catch(() => null);
      if (!bitmap) continue;
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
      const ctx = canvas.getContext('2d');
      if (!ctx) continue;
      ctx.drawImage(bitmap, 0, 0);
      bitmap.close();
      const line = Math.max(2, Math.round(canvas.width / 200));
      ctx.lineWidth = line;
      ctx.font = `${Math.max(12, line * 7)}px sans-serif`;
      for (const face of photo.faces) {
        const who =
          face.who === null ? '' : face.who.kind === 'person' ? face.who.name : (labels.get(face.who.groupId) ?? '');
        ctx.strokeStyle = who ? '#2f6fed' : '#9aa0a6';
        ctx.strokeRect(face.box.x, face.box.y, face.box.width, face.box.height);
        if (who) {
          ctx.fillStyle = '#2f6fed';
          ctx.fillText(who, face.box.x, Math.max(line * 7, face.box.y - line));
        }
      }
      canvas.dataset.drawn = 'true';
    }
  }

  render() {
    const found = this.found;
    return html`<h3>Find photos by people</h3>
      <div class="who">
        ${this.candidates.map(
          (c) =>
            html`<label
              >${c.label}
              <select data-testid="finder-role" data-who=${c.id} @change=${(e: Event) => this.setRole(c.id, e)}>
                <option value="">—</option>
                <option value="all">in the photo</option>
                <option value="any">any of these</option>
                <option value="none">not in the photo</option>
              </select></label
            >`,
        )}
      </div>
      <label
        >The library's folder (read again now, not kept)
        <input type="file" webkitdirectory data-testid="finder-folder" ?disabled=${this.busy} @change=${this.onFolder}
      /></label>
      <button type="button" class="secondary" data-testid="finder-find" ?disabled=${this.busy} @click=${this.find}>
        Find photos
      </button>
      ${this.message ? html`<div class="message" role="alert" data-testid="finder-message">${this.message.text}</div>` : nothing}
      ${
        found
          ? html`<p role="status" data-testid="finder-count" data-count=${found.length}>
                ${count(found.length, 'photo')} found${found.length > SHOWN ? `; the first ${SHOWN} are shown` : ''}.
              </p>
              <div class="results">
                ${found.slice(0, SHOWN).map(
                  (p) =>
                    html`<figure
                      data-testid="finder-photo"
                      data-file=${p.fileName}
                      data-boxes=${JSON.stringify(p.faces.map((f) => [f.box.x, f.box.y, f.box.width, f.box.height].map(Math.round)))}
                    >
                      <canvas
                        data-file=${p.fileName}
                        role="img"
                        aria-label="${p.fileName}, ${count(p.faces.length, 'face')}"
                      ></canvas>
                      <figcaption>${p.fileName}</figcaption>
                    </figure>`,
                )}
              </div>`
          : nothing
      }`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'photo-finder': PhotoFinder;
  }
}
