// The app shell: loads the matcher with visible progress, then shows the People, Identify and Verify tabs.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { openMatcher, type LoadProgress, type Matcher } from '../index';
import { alertMessage, messageFor } from './messages';
import { panelStyles } from './shared-styles';
import './people-panel';
import './identify-panel';
import './verify-panel';
import './self-check-panel';
import './data-panel';
import './import-panel';
import { rendered } from './dom';

/** Fired on window when the gallery changed elsewhere (another tab, or retention). */
export const GALLERY_CHANGED = 'facelocal-gallery-changed';

type Tab = 'people' | 'import' | 'identify' | 'verify' | 'self-check' | 'data';
/** Tabs that need no gallery: they stay usable while it is locked. */
const OPEN_WHILE_LOCKED: ReadonlySet<Tab> = new Set<Tab>(['verify']);
const TABS: { id: Tab; label: string }[] = [
  { id: 'people', label: 'People' },
  { id: 'import', label: 'Photo library' },
  { id: 'identify', label: 'Identify' },
  { id: 'verify', label: 'Verify' },
  { id: 'self-check', label: 'Am I here?' },
  { id: 'data', label: 'Your data' },
];

@customElement('facelocal-app')
export class FacelocalApp extends LitElement {
  static styles = [
    panelStyles,
    css`
      :host {
        display: block;
        max-width: 960px;
        margin: 0 auto;
        padding: 1rem;
        box-sizing: border-box;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: flex-start;
        justify-content: space-between;
      }
      header > div {
        flex: 1 1 16rem;
      }
      header h1 {
        margin: 0;
        font-size: 1.5rem;
      }
      header p {
        margin: 0.25rem 0 1rem;
      }
      [role='tablist'] {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
        border-bottom: 1px solid #c9ccd1;
        margin-bottom: 1rem;
      }
      [role='tab'] {
        background: transparent;
        color: inherit;
        border: 1px solid transparent;
        border-bottom: none;
        border-radius: 6px 6px 0 0;
      }
      [role='tab'][aria-selected='true'] {
        border-color: #c9ccd1;
        background: rgba(47, 111, 237, 0.1);
        font-weight: 600;
      }
      progress {
        width: 100%;
        max-width: 420px;
      }
      footer {
        margin-top: 2rem;
        font-size: 0.85rem;
      }
      footer dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.25rem 0.75rem;
        margin: 0.5rem 0;
      }
      footer dt {
        font-weight: 600;
      }
      footer dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
    `,
  ];

  @state() private matcher: Matcher | null = null;
  @state() private progress: LoadProgress = { stage: 'detector', fraction: 0, message: 'Starting…' };
  @state() private loadError = '';
  @state() private tab: Tab = 'people';
  @state() private locked = false;
  @state() private unlockError = '';
  /** Re-renders the panels after a change elsewhere (import, erase, unlock). */
  @state() private generation = 0;
  @state() private offerDismissed = false;
  @state() private confirmReset = false;

  connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      this.matcher = await openMatcher({
        onProgress: (p) => (this.progress = p),
        onGalleryChange: () => {
          this.locked = this.matcher?.encryption.locked ?? false;
          // Lists refresh in place; a half-filled form in this tab is left alone.
          window.dispatchEvent(new Event(GALLERY_CHANGED));
        },
      });
      this.locked = this.matcher.encryption.locked;
      this.setAttribute('data-ready', 'true');
    } catch (error) {
      this.loadError = `The face models failed to load: ${messageFor(error).text}`;
      this.setAttribute('data-ready', 'false');
    }
  }

  private panel(m: Matcher) {
    switch (this.tab) {
      case 'people':
        return html`<people-panel .matcher=${m}></people-panel>`;
      case 'import':
        return html`<import-panel .matcher=${m}></import-panel>`;
      case 'identify':
        return html`<identify-panel .matcher=${m}></identify-panel>`;
      case 'verify':
        return html`<verify-panel .matcher=${m}></verify-panel>`;
      case 'self-check':
        return html`<self-check-panel .matcher=${m}></self-check-panel>`;
      case 'data':
        return html`<data-panel
          .matcher=${m}
          @lock-requested=${this.lock}
          @encryption-changed=${() => this.requestUpdate()}
        ></data-panel>`;
    }
  }

  private lock = () => {
    this.matcher?.lock();
    this.locked = true;
  };

  private async unlock(e: Event) {
    e.preventDefault();
    const input = rendered<HTMLInputElement>(this.renderRoot, '[data-testid=passphrase]');
    this.unlockError = '';
    if (!this.matcher) return;
    try {
      await this.matcher.unlock(input.value);
      input.value = '';
      this.locked = false;
      this.generation++;
    } catch (error) {
      this.unlockError = messageFor(error).text;
    }
  }

  /** Without the passphrase nothing can be read back: the only way on is to erase the gallery and start again. */
  private async resetGallery() {
    if (!this.matcher) return;
    try {
      await this.matcher.eraseEverything();
      this.locked = false;
      this.confirmReset = false;
      this.generation++;
      this.tab = 'people';
    } catch (error) {
      this.unlockError = messageFor(error).text;
    }
  }

  private lockScreen() {
    return html`<form data-testid="lock-screen" @submit=${this.unlock} aria-label="Unlock">
      <h2>The gallery is locked</h2>
      <p>
        Its names, consent records and face data are encrypted. Enter the passphrase to open it. Comparing two photos
        (Verify) needs no gallery and works while it is locked.
      </p>
      <div class="row">
        <label for="passphrase">Passphrase</label>
        <input id="passphrase" type="password" data-testid="passphrase" autocomplete="current-password" />
        <button type="submit" data-testid="unlock">Unlock</button>
      </div>
      ${alertMessage(this.unlockError, 'unlock-error')}
      <details data-testid="forgot-passphrase">
        <summary>Forgot the passphrase?</summary>
        <p>
          No one can open the gallery without it, not even Facelocal. You can erase it and start again: every person,
          consent record and face template on this device is deleted.
        </p>
        ${
          this.confirmReset
            ? html`<div class="row" role="alert">
                <span>Erase the locked gallery for good?</span>
                <button type="button" class="danger" data-testid="reset-confirm" @click=${this.resetGallery}>
                  Erase and start again
                </button>
                <button type="button" class="secondary" @click=${() => (this.confirmReset = false)}>Cancel</button>
              </div>`
            : html`<button
                type="button"
                class="danger"
                data-testid="reset-gallery"
                @click=${() => (this.confirmReset = true)}
              >
                Erase the gallery and start again…
              </button>`
        }
      </details>
    </form>`;
  }

  private about(m: Matcher) {
    return html`<details data-testid="about-device">
      <summary>About this device</summary>
      <dl>
        <dt>Face recognition runs on</dt>
        <dd data-testid="backend">${m.info.backendLabel}</dd>
        <dt>Why</dt>
        <dd>${m.info.backendReason}</dd>
        <dt>Models</dt>
        <dd>${m.info.detectorModel}; ${m.info.embedderModel}</dd>
        <dt>Match threshold</dt>
        <dd>
          ${m.info.threshold.toFixed(3)} cosine similarity, calibrated for 1 in 1,000 false matches between two photos
          (identification raises it as the gallery grows)
        </dd>
      </dl>
    </details>`;
  }

  render() {
    const m = this.matcher;
    return html`
      <header>
        <div>
          <h1>Facelocal</h1>
          <p>Face matching that stays on this device: no photo and no face data is ever sent anywhere.</p>
        </div>
        ${
          m?.encryption.enabled && !this.locked
            ? html`<button type="button" class="secondary" data-testid="lock-app" @click=${this.lock}>
                Lock the gallery
              </button>`
            : nothing
        }
      </header>
      ${alertMessage(this.loadError, 'load-error')}
      ${
        !m && !this.loadError
          ? html`<div role="status">
              <label for="load">${this.progress.message}</label><br />
              ${
                this.progress.fraction > 0
                  ? html`<progress
                      id="load"
                      data-testid="load-progress"
                      max="1"
                      .value=${this.progress.fraction}
                    ></progress>`
                  : html`<progress
                      id="load"
                      data-testid="load-progress"
                      aria-busy="true"
                    ></progress>` /* until the first bytes are counted */
              }
            </div>`
          : nothing
      }
      ${
        m
          ? html`
              <nav role="tablist" aria-label="Sections">
                ${TABS.map(
                  (t) =>
                    html`<button
                      type="button"
                      role="tab"
                      data-testid="tab-${t.id}"
                      aria-selected=${String(this.tab === t.id)}
                      @click=${() => (this.tab = t.id)}
                    >
                      ${t.label}
                    </button>`,
                )}
              </nav>
              ${
                !m.encryption.enabled && !this.offerDismissed && this.tab === 'people'
                  ? html`<div class="message info" data-testid="encryption-offer">
                      Recommended: protect this gallery with a passphrase, so its face data is encrypted on this device.
                      <div class="row">
                        <button
                          type="button"
                          @click=${() => {
                            this.tab = 'data';
                            this.offerDismissed = true;
                          }}
                        >
                          Set a passphrase
                        </button>
                        <button type="button" class="secondary" @click=${() => (this.offerDismissed = true)}>
                          Not now
                        </button>
                      </div>
                    </div>`
                  : nothing
              }
              <main role="tabpanel" aria-label=${TABS.find((t) => t.id === this.tab)?.label ?? ''}>
                ${this.locked && !OPEN_WHILE_LOCKED.has(this.tab) ? this.lockScreen() : keyed(this.generation, this.panel(m))}
              </main>
              <footer>${this.about(m)}</footer>
            `
          : nothing
      }
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'facelocal-app': FacelocalApp;
  }
}
