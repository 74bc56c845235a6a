// Photo library: import many photos or a folder, watch progress (cancel, resume after a reload), then see the
// faces grouped by person; merge, split, move faces, and name a group with consent to enrol that person.
// The import itself runs in the matcher (workers), so it carries on while other tabs of the app are shown.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import {
  describeTimeLeft,
  type ImportGroups,
  type ImportJob,
  type ImportProgress,
  type ImportRun,
  type Matcher,
} from '../index';
import { count, messageFor, type UserMessage } from './messages';
import { panelStyles } from './shared-styles';
import type { GroupTarget } from './import-group';
import './import-group';
import './same-person-questions';
import './photo-finder';
import './missed-face';
import './face-update';
import { rendered } from './dom';
import type { AddGroupToEvent, EnrolGroupEvent, GroupSelectedEvent, MoveFacesEvent, SplitGroupEvent } from './events';

const POLL_MS = 250;
const IMAGE_NAME = /\.(jpe?g|png|webp|gif|bmp|avif|heic|heif|tiff?)$/i;

@customElement('import-panel')
export class ImportPanel extends LitElement {
  static styles = [
    panelStyles,
    css`
      progress {
        width: 100%;
      }
      .stats {
        font-variant-numeric: tabular-nums;
      }
      details {
        margin: 0.5rem 0;
      }
    `,
  ];

  @property({ attribute: false }) matcher!: Matcher;
  @state() private job: ImportJob | null = null;
  @state() private progress: ImportProgress | null = null;
  @state() private failures: ImportRun['failures'] = [];
  @state() private groups: ImportGroups | null = null;
  @state() private message: UserMessage | null = null;
  @state() private notice = '';
  @state() private busy = false;
  /** What was chosen last, in words: the pickers' one status. */
  @state() private chosen = '';
  private selectedGroups = new Set<string>();
  private poll: ReturnType<typeof setInterval> | undefined;
  /** The session's import, read when the panel opens: photos chosen before it is known wait for it. */
  private loaded: Promise<void> = Promise.resolve();
  /** Only the latest groups asked for are shown: an older answer arriving late would show faces not yet grouped. */
  private groupsAsked = 0;

  connectedCallback(): void {
    super.connectedCallback();
    this.loaded = this.load().finally(() => this.setAttribute('data-loaded', 'true'));
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.poll);
  }

  private get running(): ImportRun | null {
    const run = this.matcher.imports.running;
    return run && !run.progress.finished ? run : null;
  }

  private async load() {
    try {
      const jobs = await this.matcher.imports.jobs();
      this.job = jobs.at(-1) ?? null;
      if (this.running) this.watch(this.running);
      else if (this.job) await this.loadGroups();
    } catch (error) {
      this.message = messageFor(error);
    }
  }

  private async loadGroups() {
    const asked = ++this.groupsAsked;
    const groups = this.job ? await this.matcher.imports.groups(this.job.id) : null;
    if (asked !== this.groupsAsked) return;
    this.groups = groups;
    this.selectedGroups.clear();
  }

  /** Follows a run (this panel's, or one started before the tab was switched) until it ends. */
  private watch(run: ImportRun) {
    clearInterval(this.poll);
    const update = () => {
      this.progress = run.progress;
      this.failures = [...run.failures];
    };
    update();
    this.poll = setInterval(update, POLL_MS);
    void run.done.then(async () => {
      clearInterval(this.poll);
      update();
      this.job = (await this.matcher.imports.jobs()).find((j) => j.id === run.jobId) ?? null;
      await this.loadGroups();
    });
  }

  private async start(photos: File[]) {
    if (photos.length === 0) return;
    this.message = null;
    this.notice = '';
    try {
      await this.loaded; // so the photos join this session's import, as the panel says, not a new one by accident
      // The groups shown so far are out of date from now on; this run's own are read when it ends.
      this.groupsAsked++;
      this.groups = null;
      const run = await this.matcher.imports.start(photos, { jobId: this.job?.id });
      const skipped = run.progress.skipped;
      if (skipped)
        this.notice = `${skipped} photo${skipped === 1 ? ' was' : 's were'} already read by this import and ${skipped === 1 ? 'is' : 'are'} skipped.`;
      this.watch(run);
    } catch (error) {
      this.message = messageFor(error);
    }
  }

  /** Chosen files are all read (each bad one gets its message); a folder's other files (notes, sidecars) are left out. */
  private onFiles(e: Event, fromFolder: boolean) {
    const input = e.target as HTMLInputElement;
    const files = Array.from(input.files ?? []);
    const left = fromFolder ? files.filter((f) => !looksLikePhoto(f)) : [];
    const folder = fromFolder ? files[0]?.webkitRelativePath.split('/')[0] : '';
    const photos = files.length - left.length;
    this.chosen =
      files.length === 0 ? '' : `${count(photos, 'photo')} chosen${folder ? ` from the folder ${folder}` : ''}.`;
    void this.start(fromFolder ? files.filter(looksLikePhoto) : files).then(() => {
      if (left.length)
        this.notice = `${this.notice ? `${this.notice} ` : ''}${left.length} file${left.length === 1 ? ' that is' : 's that are'} not a photo ${left.length === 1 ? 'was' : 'were'} left out: ${left
          .slice(0, 5)
          .map((f) => f.name)
          .join(', ')}${left.length > 5 ? '…' : ''}.`;
    });
    input.value = '';
  }

  private selectGroup(e: GroupSelectedEvent) {
    if (e.selected) this.selectedGroups.add(e.groupId);
    else this.selectedGroups.delete(e.groupId);
  }

  /** The import the groups on screen belong to (group events come only from them). */
  private get shownJobId(): string {
    const jobId = this.groups?.jobId;
    if (!jobId) throw new Error('internal: a group event without groups on screen');
    return jobId;
  }

  private moveFaces(e: MoveFacesEvent) {
    return this.act(() => this.matcher.imports.moveFaces(this.shownJobId, e.faceIds, e.to));
  }

  private splitGroup(e: SplitGroupEvent) {
    return this.act(async () => {
      const parts = await this.matcher.imports.splitGroup(this.shownJobId, e.groupId);
      this.notice =
        parts > 1
          ? `Split into ${parts} groups.`
          : 'These faces look like one person even when compared more strictly: the group was not split (move faces out by hand).';
    });
  }

  private addGroupTo(e: AddGroupToEvent) {
    return this.act(async () => {
      const p = await this.matcher.imports.addGroupTo(this.shownJobId, e.groupId, e.personId);
      this.notice = `Added to ${p.name}, who now has ${count(p.templateCount, 'photo')}.`;
    });
  }

  private enrolGroup(e: EnrolGroupEvent) {
    return this.act(async () => {
      const p = await this.matcher.imports.enrolGroup(this.shownJobId, e.groupId, e.person);
      this.notice = `${p.name} was enrolled with ${count(p.templateCount, 'photo')}.`;
    });
  }

  /** Runs an action on the import, then reloads its groups; a failure is shown, and the groups stay as stored. */
  private async act(action: () => Promise<unknown>, done?: string) {
    this.busy = true;
    this.message = null;
    try {
      await action();
      if (done) this.notice = done;
    } catch (error) {
      this.message = messageFor(error);
    } finally {
      await this.loadGroups().catch(() => undefined);
      this.busy = false;
    }
  }

  private async newImport() {
    this.job = null;
    this.groups = null;
    this.progress = null;
    this.failures = [];
    this.notice = '';
    this.chosen = '';
  }

  private renderProgress(p: ImportProgress) {
    const running = !p.finished;
    return html`<div
        role="status"
        aria-live="polite"
        data-testid="import-status"
        data-done=${p.done}
        data-total=${p.total}
        data-finished=${String(p.finished)}
        data-cancelled=${String(p.cancelled)}
        data-skipped=${p.skipped}
      >
        <progress
          data-testid="import-progress"
          max=${Math.max(1, p.total)}
          .value=${p.done}
          aria-label="Import progress"
        ></progress>
        <div class="stats">
          ${p.done} / ${p.total} photos · ${count(p.faces, 'face')} found · ${p.failed} could not be read
          ${running ? html` · ${describeTimeLeft(p.remainingMs)}` : nothing}
          ${p.photosPerSecond > 0 ? html` · <span data-testid="import-rate">${p.photosPerSecond.toFixed(1)}</span> photos/s` : nothing}
        </div>
        ${p.finished ? html`<div>${p.cancelled ? 'Import stopped. Choose the same photos again to resume: photos already read are skipped.' : 'Import finished.'}</div>` : nothing}
      </div>
      ${running ? html`<button type="button" class="secondary" data-testid="import-cancel" @click=${() => this.matcher.imports.running?.cancel()}>Cancel</button>` : nothing}`;
  }

  private renderGroups(g: ImportGroups) {
    const targets: GroupTarget[] = [
      ...g.groups.map((group, i) => ({ id: group.id, label: `Group ${i + 1}` })),
      { id: 'new', label: 'A new group' },
      { id: '', label: 'Out of any group' },
    ];
    const imports = this.matcher.imports;
    const jobId = g.jobId;
    // Groups are keyed by id: each has its own element, so a naming form (name, consent ticked in that person's
    // name) can never carry over to the group that takes its place once this one is enrolled.
    return html` <h2>Faces grouped by person</h2>
      <p>
        ${count(g.groups.length, 'group')}, ${count(g.unassigned.length, 'face')} in no group, ${g.poor.length} too poor
        to
        group${g.outdated.faces.length ? `, ${g.outdated.faces.length} waiting for an update (another face model)` : ''}.
        Groups are a guess: check them, fix them, then name a person only with their consent.
      </p>
      ${this.renderKeeping(jobId)}
      <same-person-questions
        .matcher=${this.matcher}
        .jobId=${jobId}
        .groupsVersion=${g}
        @answered=${() => this.loadGroups()}
      ></same-person-questions>
      <photo-finder .matcher=${this.matcher} .groups=${g}></photo-finder>
      <missed-face .matcher=${this.matcher} .jobId=${jobId} @face-added=${() => this.loadGroups()}></missed-face>
      <div class="row">
        <button
          type="button"
          data-testid="merge-groups"
          ?disabled=${this.busy}
          @click=${() =>
            this.selectedGroups.size < 2
              ? (this.message = { code: 'error', text: 'Select two or more groups to merge.' })
              : this.act(() => imports.mergeGroups(jobId, [...this.selectedGroups]), 'Groups merged.')}
        >
          Merge selected groups
        </button>
        <button
          type="button"
          class="danger"
          data-testid="import-discard"
          ?disabled=${this.busy}
          @click=${() =>
            this.act(async () => {
              await imports.discard(jobId);
              await this.newImport();
            }, 'Import discarded: its faces were erased.')}
        >
          Discard this import
        </button>
      </div>
      <div
        data-testid="import-groups"
        data-count=${g.groups.length}
        @group-selected=${this.selectGroup}
        @move-faces=${this.moveFaces}
        @split-group=${this.splitGroup}
        @add-group-to=${this.addGroupTo}
        @enrol-group=${this.enrolGroup}
      >
        ${repeat(
          g.groups,
          (group) => group.id,
          (group, i) =>
            html`<import-group
              data-testid="import-group"
              data-group-id=${group.id}
              .groupId=${group.id}
              heading="Group ${i + 1}"
              .faces=${group.faces}
              .alreadyEnrolled=${group.alreadyEnrolled}
              .targets=${targets}
              ?busy=${this.busy}
            ></import-group>`,
        )}
        ${g.unassigned.length ? html`<import-group data-testid="import-unassigned" heading="In no group" .faces=${g.unassigned} .targets=${targets} ?busy=${this.busy}></import-group>` : nothing}
        ${
          g.outdated.faces.length
            ? html`<details data-testid="import-outdated-faces" data-count=${g.outdated.faces.length}>
                <summary>Read by another face model, waiting for an update (${g.outdated.faces.length})</summary>
                <p class="small">
                  These faces were read by ${g.outdated.fromModels.join(', ')}, which the model in use
                  (${this.matcher.info.embedderModel}) cannot be compared with: they are not grouped, suggested or named
                  until "Update faces from this folder" reads their photos again. Their groups are kept.
                </p>
                <import-group
                  data-testid="import-outdated"
                  heading="Waiting for an update"
                  .faces=${g.outdated.faces}
                  .targets=${[]}
                ></import-group>
              </details>`
            : nothing
        }
        ${
          g.poor.length
            ? html`<details>
                <summary>Too poor to group (${g.poor.length})</summary>
                <import-group
                  data-testid="import-poor"
                  heading="Too poor to group"
                  .faces=${g.poor}
                  .targets=${[]}
                ></import-group>
              </details>`
            : nothing
        }
      </div>`;
  }

  /**
   * Unnamed faces are of people who consented to nothing: held for this tab only, unless whoever imports them records
   * why and for how long (30 days at most).
   */
  private renderKeeping(jobId: string) {
    const job = this.job;
    if (job?.keep) {
      return html`<div class="message info" data-testid="import-kept">
        These unnamed faces are kept until ${job.expiresAt ? new Date(job.expiresAt).toISOString().slice(0, 10) : '?'}
        (${job.retentionDays} day${job.retentionDays === 1 ? '' : 's'} after the last change) for: ${job.purpose}
        <button
          type="button"
          class="secondary"
          data-testid="import-unkeep"
          ?disabled=${this.busy}
          @click=${() => this.setKeeping(jobId, null)}
        >
          Hold them for this tab only
        </button>
      </div>`;
    }
    return html`<fieldset data-testid="import-keeping">
      <legend>Unnamed faces are erased when this tab closes</legend>
      <p class="small">
        They are faces of people who have not consented. To keep them longer (at most 30 days), say why.
      </p>
      <div class="row">
        <label
          >Why keep them
          <input
            type="text"
            data-testid="import-keep-purpose"
            maxlength="300"
            placeholder="e.g. to ask these people for consent at the next meeting"
        /></label>
        <label
          >For
          <select data-testid="import-keep-days">
            ${[1, 7, 14, 30].map((d) => html`<option value=${d} ?selected=${d === 7}>${count(d, 'day')}</option>`)}
          </select></label
        >
        <button
          type="button"
          class="secondary"
          data-testid="import-keep"
          ?disabled=${this.busy}
          @click=${() => this.keepFromForm(jobId)}
        >
          Keep them
        </button>
      </div>
    </fieldset>`;
  }

  private keepFromForm(jobId: string) {
    const purpose = rendered<HTMLInputElement>(this.renderRoot, '[data-testid=import-keep-purpose]').value;
    const days = Number(rendered<HTMLSelectElement>(this.renderRoot, '[data-testid=import-keep-days]').value);
    return this.setKeeping(jobId, { purpose, days });
  }

  private setKeeping(jobId: string, keeping: { purpose: string; days: number } | null) {
    return this.act(async () => {
      await this.matcher.imports.setKept(jobId, keeping);
      this.job = (await this.matcher.imports.jobs()).find((j) => j.id === jobId) ?? null;
    });
  }

  render() {
    const p = this.progress;
    return html`
      <h2>Import a photo library</h2>
      <p>
        Choose photos or a folder: Facelocal reads only those, on this device, finds the faces and groups them by
        person. No one is enrolled until you name a group and record that person's consent. Unnamed faces are held only
        while this tab is open, unless you record why they are kept (30 days at most).
      </p>
      ${
        this.job && !this.running
          ? html`<p class="message info" data-testid="import-resume">
              An import of this session holds ${count(this.job.photosRead, 'photo')} and
              ${count(this.job.faces, 'face')}. Choosing photos adds them to it; photos it has already read are skipped,
              so an interrupted import resumes where it stopped.
              <button type="button" class="secondary" data-testid="import-new" @click=${this.newImport}>
                Start a separate import instead
              </button>
            </p>`
          : nothing
      }
      ${
        this.job && !this.running
          ? html`<face-update
              .matcher=${this.matcher}
              .jobId=${this.job.id}
              .outdatedFaces=${this.groups?.jobId === this.job.id ? this.groups.outdated.faces.length : 0}
              @faces-updated=${() => this.loadGroups()}
            ></face-update>`
          : nothing
      }
      <div class="row pickers">
        <input
          id="import-files"
          class="as-button"
          type="file"
          accept="image/*"
          multiple
          data-testid="import-files"
          ?disabled=${!!this.running}
          @change=${(e: Event) => this.onFiles(e, false)}
        />
        <label for="import-files" class="button">Choose photos…</label>
        <input
          id="import-folder"
          class="as-button"
          type="file"
          webkitdirectory
          data-testid="import-folder"
          ?disabled=${!!this.running}
          @change=${(e: Event) => this.onFiles(e, true)}
        />
        <label for="import-folder" class="button secondary">Choose a folder…</label>
      </div>
      <div class="chosen" role="status" data-testid="import-chosen">
        ${this.chosen || 'Nothing chosen yet: choose photos, or a whole folder (its subfolders too).'}
      </div>
      ${p ? this.renderProgress(p) : nothing}
      ${this.notice ? html`<div class="message info" role="status" data-testid="import-notice">${this.notice}</div>` : nothing}
      ${this.message ? html`<div class="message" role="alert" data-testid="message" data-code=${this.message.code}>${this.message.text}</div>` : nothing}
      ${
        this.failures.length
          ? html`<details open>
              <summary>${count(this.failures.length, 'photo')} could not be read</summary>
              <ul class="plain">
                ${this.failures.map((f) => html`<li data-testid="import-failure" data-code=${f.code}>${f.fileName ? `${f.fileName}: ` : ''}${f.message}</li>`)}
              </ul>
            </details>`
          : nothing
      }
      ${this.groups && !this.running ? this.renderGroups(this.groups) : nothing}
    `;
  }
}

function looksLikePhoto(file: File): boolean {
  return IMAGE_NAME.test(file.name) || file.type.startsWith('image/');
}

declare global {
  interface HTMLElementTagNameMap {
    'import-panel': ImportPanel;
  }
}
