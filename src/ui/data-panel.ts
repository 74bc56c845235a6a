// Your data: export and import, encryption at rest, face thumbnails, unnamed faces held, the audit log, paperwork,
// erase everything, and what is stored and why.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import {
  AUDIT_ACTION_LABELS,
  FacelocalError,
  MIN_PASSPHRASE_LENGTH,
  passphraseProblems,
  type AuditEntry,
  type HeldImport,
  type Matcher,
  type PaperworkKind,
} from '../index';
import { THUMBNAIL_CHOICES } from './thumbnail-choice';

/** The stores in words (the table below shows what each holds, not how the code names it). */
const STORE_LABELS: Record<string, string> = {
  people: 'Each person',
  templates: 'Each face template',
  audit: 'The audit log',
  settings: 'Settings',
  importJobs: 'Each photo library import',
  importFiles: 'Each photo read by an import',
  importFaces: 'Each face found by an import',
  preferences: 'Gallery choices',
  tombstones: 'Each tombstone',
  revealSecret: "The widget's id secret",
};

const PAPERWORK: { kind: PaperworkKind; label: string; about: string }[] = [
  {
    kind: 'record-of-processing',
    label: 'Record of processing',
    about: 'what is processed, why, for how long, where, and how it is protected (GDPR Art. 30)',
  },
  {
    kind: 'dpia-starter',
    label: 'DPIA starter',
    about: 'a data protection impact assessment to complete before relying on face recognition (GDPR Art. 35)',
  },
  {
    kind: 'accuracy-and-limits',
    label: 'Accuracy and limits',
    about: 'the measured accuracy, the thresholds this gallery applies, intended use and known limits',
  },
];

/** "createdAt" -> "created at": a field's code name read as words. */
function fieldWords(field: string): string {
  return field.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
import { alertMessage, messageFor, type UserMessage, count } from './messages';
import { panelStyles } from './shared-styles';
import { saveFile } from './download';
import { EncryptionChangedEvent, LockRequestedEvent } from './events';
import { rendered } from './dom';

@customElement('data-panel')
export class DataPanel extends LitElement {
  static styles = [
    panelStyles,
    css`
      section {
        border: 1px solid #c9ccd1;
        border-radius: 8px;
        padding: 0.75rem;
        margin-bottom: 1rem;
      }
      h3 {
        margin: 0 0 0.5rem;
        font-size: 1rem;
      }
      table {
        border-collapse: collapse;
        width: 100%;
        font-size: 0.85rem;
      }
      th,
      td {
        text-align: left;
        padding: 0.25rem 0.4rem;
        border-bottom: 1px solid #ddd;
        vertical-align: top;
      }
      .scroll {
        max-height: 18rem;
        overflow: auto;
      }
      /* On a phone each row becomes a small card, so no column is cut off on the right. */
      @media (max-width: 40rem) {
        table,
        tbody,
        tr,
        td {
          display: block;
        }
        thead {
          position: absolute;
          width: 1px;
          height: 1px;
          overflow: hidden;
          clip-path: inset(50%);
        }
        tr {
          border-bottom: 1px solid #c9ccd1;
          padding: 0.35rem 0;
        }
        td {
          border: none;
          padding: 0.1rem 0;
          overflow-wrap: anywhere;
        }
        td::before {
          content: attr(data-label) ': ';
          font-weight: 600;
        }
      }
      .passphrases {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
        gap: 0.5rem;
        margin: 0.5rem 0;
      }
      .passphrases label {
        display: flex;
        flex-direction: column;
        gap: 0.25rem;
        font-weight: 600;
      }
      input[type='password'] {
        font: inherit;
        padding: 0.45rem 0.6rem;
        border: 1px solid #8a8f98;
        border-radius: 6px;
        min-width: 0;
      }
    `,
  ];

  @property({ attribute: false }) matcher!: Matcher;
  @state() private busy = false;
  @state() private message: UserMessage | null = null;
  @state() private info = '';
  @state() private audit: AuditEntry[] = [];
  @state() private auditLoaded = false;
  @state() private confirmErase = false;
  @state() private autoLock: { idleMs: number | null; whenHidden: boolean } = { idleMs: null, whenHidden: false };
  @state() private persistence: { persisted: boolean | null; message: string } | null = null;
  @state() private thumbnails: 'keep' | 'drop' | null | undefined = undefined;
  @state() private held: HeldImport[] = [];
  /** The export file chosen for import, shown as the picker's one status. */
  @state() private importChosen = '';
  /** What the passphrase typed so far lacks, said while it is typed (not only after "Encrypt" fails). */
  @state() private passphraseCheck: string[] | null = null;

  connectedCallback(): void {
    super.connectedCallback();
    void this.loadAudit();
    void this.matcher.thumbnailSetting().then(
      (t) => (this.thumbnails = t),
      () => undefined,
    );
    void this.matcher.imports.held().then(
      (h) => (this.held = h),
      () => undefined,
    );
    void this.matcher.autoLockSetting().then(
      (s) => (this.autoLock = s),
      () => undefined,
    );
    void this.matcher.storagePersistence().then(
      (p) => (this.persistence = p),
      () => undefined,
    );
  }

  private requestLock() {
    this.dispatchEvent(new LockRequestedEvent());
  }

  private setAutoLock(change: Partial<{ idleMs: number | null; whenHidden: boolean }>) {
    const setting = { ...this.autoLock, ...change };
    return this.run(async () => {
      await this.matcher.setAutoLock(setting);
      this.autoLock = setting;
      return setting.idleMs === null && !setting.whenHidden
        ? 'The gallery no longer locks by itself.'
        : 'Auto-lock saved for every tab of this gallery.';
    });
  }

  private setThumbnails(choice: 'keep' | 'drop') {
    return this.run(async () => {
      const { erased } = await this.matcher.setThumbnails(choice);
      this.thumbnails = choice;
      return choice === 'drop'
        ? `Templates only from now on: ${count(erased, 'face thumbnail')} erased from this device.`
        : 'A face thumbnail will be kept beside each new template.';
    });
  }

  /** Generated on this device and saved as a file; nothing is sent anywhere. */
  private savePaperwork(kind: PaperworkKind, as: 'md' | 'html') {
    return this.run(async () => {
      const doc = await this.matcher.paperwork(kind);
      saveFile(
        as === 'md' ? new Blob([doc.markdown], { type: 'text/markdown' }) : new Blob([doc.html], { type: 'text/html' }),
        `${doc.fileStem}.${as}`,
      );
      return `${doc.title} saved to this device's downloads${as === 'html' ? ' (open it and print it, or save it as PDF)' : ''}.`;
    });
  }

  private async loadAudit() {
    this.audit = (await this.matcher.auditLog()).reverse();
    this.auditLoaded = true;
  }

  /** Runs an action of this panel, busy meanwhile; what it returns (if words) is shown as done, a failure as a message. */
  private async run(action: () => Promise<unknown>) {
    this.busy = true;
    this.message = null;
    this.info = '';
    try {
      const said = await action();
      this.info = typeof said === 'string' ? said : '';
    } catch (error) {
      this.message = messageFor(error);
    } finally {
      this.busy = false;
      await this.loadAudit().catch(() => undefined);
    }
  }

  /** The passphrase typed for encrypted exports and imports; undefined when the field is empty. */
  private exportPassphrase(): string | undefined {
    return this.renderRoot.querySelector<HTMLInputElement>('[data-testid=export-passphrase]')?.value || undefined;
  }

  private exportAll = () =>
    this.run(async () => {
      const passphrase = this.exportPassphrase();
      const fileName = `facelocal-gallery-${new Date().toISOString().slice(0, 10)}${passphrase ? '-encrypted' : ''}.json`;
      saveFile(await this.matcher.exportGallery({ passphrase }), fileName);
      return `Saved ${fileName} to this device's downloads: ${passphrase ? 'encrypted with the export passphrase' : 'not encrypted, readable by anyone who has the file'}.`;
    });

  private exportAudit = () =>
    this.run(async () => {
      saveFile(await this.matcher.exportAuditLog(), 'facelocal-audit-log.csv');
      return "Saved facelocal-audit-log.csv to this device's downloads (a spreadsheet of the log: no names, no images).";
    });

  private importFile = (e: Event) => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    this.importChosen = file.name;
    return this.run(async () => {
      const people = await this.matcher.importGallery(file, { passphrase: this.exportPassphrase() });
      return `Imported ${count(people.length, 'person', 'people')}.`;
    });
  };

  private enableEncryption = () =>
    this.run(async () => {
      const a = rendered<HTMLInputElement>(this.renderRoot, '[data-testid=new-passphrase]').value;
      const b = rendered<HTMLInputElement>(this.renderRoot, '[data-testid=new-passphrase-again]').value;
      const problems = passphraseProblems(a);
      if (problems.length)
        throw new FacelocalError('invalid-passphrase', `This passphrase is too weak. ${problems.join(' ')}`);
      if (a !== b)
        throw new FacelocalError(
          'invalid-passphrase',
          'The two passphrases differ: type the same passphrase in both boxes.',
        );
      await this.matcher.enableEncryption(a);
      // The app shell shows a Lock button once there is something to lock.
      this.dispatchEvent(new EncryptionChangedEvent());
      return 'Encryption is on. Keep the passphrase safe: without it the gallery cannot be opened.';
    });

  private eraseEverything = () =>
    this.run(async () => {
      await this.matcher.eraseEverything();
      this.confirmErase = false;
      return 'Everything Facelocal stored on this device has been erased.';
    });

  render() {
    const enc = this.matcher.encryption;
    return html`
      <h2>Your data</h2>
      ${alertMessage(this.message)}
      ${this.info ? html`<div class="message info" role="status" data-testid="data-info">${this.info}</div>` : nothing}
      <section>
        <h3>Export and import</h3>
        <div class="row">
          <label
            >Export passphrase${enc.enabled ? ' (recommended: this gallery is encrypted)' : ''}
            <input type="password" data-testid="export-passphrase" autocomplete="new-password"
          /></label>
          <span class="small"
            >With a passphrase the export file is encrypted, and importing it asks for the same passphrase. Empty: a
            plain JSON file anyone can read.</span
          >
        </div>
        <div class="row">
          <button type="button" data-testid="export-gallery" ?disabled=${this.busy} @click=${this.exportAll}>
            Export the whole gallery
          </button>
          <input
            id="import-file"
            class="as-button"
            type="file"
            accept="application/json,.json"
            data-testid="import-file"
            ?disabled=${this.busy}
            @change=${this.importFile}
          />
          <label for="import-file" class="button secondary">Import a Facelocal export…</label>
          <span class="chosen" role="status" data-testid="import-file-chosen"
            >${this.importChosen ? `Chosen: ${this.importChosen}` : 'No export chosen yet.'}</span
          >
        </div>
      </section>
      <section>
        <h3>Kept on this device</h3>
        <p data-testid="storage-persistence" data-persisted=${String(this.persistence?.persisted ?? 'unknown')}>
          ${this.persistence?.message ?? 'Checking…'}
        </p>
      </section>
      <section>
        <h3>Encryption at rest</h3>
        ${
          enc.enabled
            ? html`<p data-testid="encryption-state">
                  On: names, consent records, face templates and thumbnails are encrypted (AES-GCM, key from your
                  passphrase by scrypt).
                </p>
                <button type="button" class="secondary" data-testid="lock" @click=${this.requestLock}>Lock now</button>
                <p>Locking locks every open tab of this gallery.</p>
                <div class="row">
                  <label for="auto-lock">Lock by itself after</label>
                  <select
                    id="auto-lock"
                    data-testid="auto-lock-idle"
                    @change=${(e: Event) => {
                      const v = (e.target as HTMLSelectElement).value;
                      return this.setAutoLock({ idleMs: v === 'never' ? null : Number(v) });
                    }}
                  >
                    ${[
                      ['never', 'never'],
                      [String(60_000), '1 minute without use'],
                      [String(5 * 60_000), '5 minutes without use'],
                      [String(15 * 60_000), '15 minutes without use'],
                      [String(60 * 60_000), '1 hour without use'],
                    ].map(
                      ([value, label]) =>
                        html`<option value=${value} ?selected=${String(this.autoLock.idleMs ?? 'never') === value}>
                          ${label}
                        </option>`,
                    )}
                  </select>
                  <label
                    ><input
                      type="checkbox"
                      data-testid="auto-lock-hidden"
                      .checked=${this.autoLock.whenHidden}
                      @change=${(e: Event) => this.setAutoLock({ whenHidden: (e.target as HTMLInputElement).checked })}
                    />
                    and whenever this page is hidden</label
                  >
                </div>`
            : html`<p data-testid="encryption-state">
                  Off. Protect the gallery with a passphrase: at least 12 characters and hard to guess (four unrelated
                  words work well). Keep it safe: without it the gallery cannot be opened again, by you or anyone.
                  Turning encryption on takes several seconds, and so does each unlock: that cost is what makes guessing
                  the passphrase slow.
                </p>
                <div class="passphrases">
                  <label
                    >Passphrase (at least ${MIN_PASSPHRASE_LENGTH} characters)
                    <input
                      type="password"
                      data-testid="new-passphrase"
                      minlength=${MIN_PASSPHRASE_LENGTH}
                      autocomplete="new-password"
                      aria-describedby="passphrase-check"
                      @input=${(e: Event) => {
                        const v = (e.target as HTMLInputElement).value;
                        this.passphraseCheck = v ? passphraseProblems(v) : null;
                      }}
                  /></label>
                  <label
                    >The same passphrase again
                    <input
                      type="password"
                      data-testid="new-passphrase-again"
                      minlength=${MIN_PASSPHRASE_LENGTH}
                      autocomplete="new-password"
                  /></label>
                </div>
                <p
                  id="passphrase-check"
                  class="small"
                  aria-live="polite"
                  data-testid="passphrase-check"
                  data-ok=${String(this.passphraseCheck?.length === 0)}
                >
                  ${
                    this.passphraseCheck === null
                      ? ''
                      : this.passphraseCheck.length
                        ? `Not yet: ${this.passphraseCheck.join(' ')}`
                        : 'Strong enough. Type it once more in the second box.'
                  }
                </p>
                <button
                  type="button"
                  data-testid="enable-encryption"
                  ?disabled=${this.busy}
                  @click=${this.enableEncryption}
                >
                  Encrypt the gallery
                </button>`
        }
      </section>
      <section>
        <h3>Face thumbnails</h3>
        <p data-testid="thumbnails-setting" data-value=${String(this.thumbnails ?? 'unknown')}>
          ${
            this.thumbnails === 'drop'
              ? 'Templates only: no picture of any face is kept; the people list shows initials.'
              : this.thumbnails === 'keep'
                ? 'Kept: a small picture of each enrolled face is kept beside its template.'
                : 'Not chosen yet: thumbnails are kept until you choose.'
          }
        </p>
        <div class="row">
          ${THUMBNAIL_CHOICES.map(
            (c) =>
              html`<button
                type="button"
                class=${this.thumbnails === c.value ? '' : 'secondary'}
                data-testid="thumbnails-${c.value}"
                ?disabled=${this.busy || this.thumbnails === c.value}
                @click=${() => this.setThumbnails(c.value)}
                title=${c.means}
              >
                ${c.label}
              </button>`,
          )}
        </div>
        <ul class="plain small">
          ${THUMBNAIL_CHOICES.map((c) => html`<li><strong>${c.label}:</strong> ${c.means}</li>`)}
        </ul>
      </section>
      <section>
        <h3>Unnamed faces from photo-library imports</h3>
        ${
          this.held.length === 0
            ? html`<p data-testid="held-none">None: no photo-library import holds faces on this device.</p>`
            : html`<p>
                  Faces of people who have not consented, found by imports. Each is erased when the tab that imported it
                  closes, unless it was kept for a stated purpose (30 days at most).
                </p>
                <table data-testid="held-imports">
                  <thead>
                    <tr>
                      <th>Import</th>
                      <th>Faces</th>
                      <th>Kept</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${this.held.map(
                      (h) =>
                        html`<tr data-testid="held-import" data-kept=${String(h.keep)} data-faces=${h.faces}>
                          <td data-label="Import">
                            ${new Date(h.createdAt).toLocaleString()}, ${count(h.photosRead, 'photo')} read
                          </td>
                          <td data-label="Faces">${h.faces}</td>
                          <td data-label="Kept">
                            ${
                              h.keep
                                ? html`for <span data-testid="held-purpose">${h.purpose}</span>, until
                                    ${h.expiresAt ? new Date(h.expiresAt).toISOString().slice(0, 10) : '?'}
                                    (${h.retentionDays} days after its last change)`
                                : h.thisSession
                                  ? 'only until this tab closes'
                                  : 'only until the tab that imported them closes'
                            }
                          </td>
                        </tr>`,
                    )}
                  </tbody>
                </table>`
        }
      </section>
      <section>
        <h3>Paperwork</h3>
        <p>
          Written on this device from this gallery's real configuration and the measured benchmark figures; nothing is
          sent anywhere.
        </p>
        <ul class="plain">
          ${PAPERWORK.map(
            (p) =>
              html`<li class="row" data-testid="paperwork-${p.kind}">
                <span><strong>${p.label}</strong>: ${p.about}</span>
                <button
                  type="button"
                  class="secondary"
                  data-testid="paperwork-${p.kind}-md"
                  ?disabled=${this.busy}
                  @click=${() => this.savePaperwork(p.kind, 'md')}
                >
                  Markdown
                </button>
                <button
                  type="button"
                  class="secondary"
                  data-testid="paperwork-${p.kind}-html"
                  ?disabled=${this.busy}
                  @click=${() => this.savePaperwork(p.kind, 'html')}
                >
                  Printable page
                </button>
              </li>`,
          )}
        </ul>
      </section>
      <section>
        <h3>Audit log (kept for a year)</h3>
        <button
          type="button"
          class="secondary"
          data-testid="export-audit"
          ?disabled=${this.busy}
          @click=${this.exportAudit}
        >
          Export the log
        </button>
        <div class="scroll" tabindex="0" role="region" aria-label="Audit log entries">
          <table data-testid="audit-log" data-loaded=${String(this.auditLoaded)}>
            <thead>
              <tr>
                <th>When</th>
                <th>What</th>
                <th>Outcome</th>
              </tr>
            </thead>
            <tbody>
              ${this.audit.map(
                (e) =>
                  html`<tr data-testid="audit-entry" data-action=${e.action}>
                    <td data-label="When">${new Date(e.at).toLocaleString()}</td>
                    <td data-label="What">${AUDIT_ACTION_LABELS[e.action] ?? e.action}</td>
                    <td data-label="Outcome">${e.outcome}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>
      </section>
      <section>
        <h3>What Facelocal stores and why</h3>
        <p>Everything below stays in this browser's storage on this device. Photos themselves are never kept.</p>
        <div class="scroll" tabindex="0" role="region" aria-label="What is stored">
          <table data-testid="storage-description">
            <thead>
              <tr>
                <th>What</th>
                <th>Why</th>
                <th>Of</th>
                <th>Encrypted</th>
              </tr>
            </thead>
            <tbody>
              ${this.matcher.describeStorage().map(
                (d) =>
                  html`<tr data-testid="stored-item" data-field="${d.store}.${d.field}">
                    <td data-label="What">${d.what}</td>
                    <td data-label="Why">${d.why}</td>
                    <td data-label="Of" title="${d.store}.${d.field}">
                      ${STORE_LABELS[d.store] ?? d.store} (${fieldWords(d.field)})
                    </td>
                    <td data-label="Encrypted">${d.encrypted ? 'yes' : 'no'}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>
      </section>
      <section>
        <h3>Erase everything</h3>
        ${
          this.confirmErase
            ? html`<div class="row" role="alert">
                <span
                  >Erase every person, template, consent record, the audit log and all cached files? (Tombstones of
                  people who withdrew stay: they hold no personal data and keep older exports of them out.)</span
                >
                <button
                  type="button"
                  class="danger"
                  data-testid="erase-everything-confirm"
                  ?disabled=${this.busy}
                  @click=${this.eraseEverything}
                >
                  Erase everything
                </button>
                <button type="button" class="secondary" @click=${() => (this.confirmErase = false)}>Cancel</button>
              </div>`
            : html`<button
                type="button"
                class="danger"
                data-testid="erase-everything"
                @click=${() => (this.confirmErase = true)}
              >
                Erase everything…
              </button>`
        }
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'data-panel': DataPanel;
  }
}
