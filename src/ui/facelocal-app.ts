// The app shell: loads the matcher with visible progress, then shows the People, Identify and Verify tabs.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { openMatcher, type LoadProgress, type Matcher } from '../index';
import { messageFor } from './messages';
import { panelStyles } from './shared-styles';
import './people-panel';
import './identify-panel';
import './verify-panel';

type Tab = 'people' | 'identify' | 'verify';
const TABS: { id: Tab; label: string }[] = [
  { id: 'people', label: 'People' },
  { id: 'identify', label: 'Identify' },
  { id: 'verify', label: 'Verify' },
];

@customElement('facelocal-app')
export class FacelocalApp extends LitElement {
  static styles = [
    panelStyles,
    css`
      :host { display: block; max-width: 960px; margin: 0 auto; padding: 1rem; box-sizing: border-box; }
      header h1 { margin: 0; font-size: 1.5rem; }
      header p { margin: 0.25rem 0 1rem; }
      [role='tablist'] { display: flex; flex-wrap: wrap; gap: 0.25rem; border-bottom: 1px solid #c9ccd1; margin-bottom: 1rem; }
      [role='tab'] { background: transparent; color: inherit; border: 1px solid transparent; border-bottom: none; border-radius: 6px 6px 0 0; }
      [role='tab'][aria-selected='true'] { border-color: #c9ccd1; background: rgba(47, 111, 237, 0.1); font-weight: 600; }
      progress { width: 100%; max-width: 420px; }
      footer { margin-top: 2rem; font-size: 0.85rem; opacity: 0.8; }
    `,
  ];

  @state() private matcher: Matcher | null = null;
  @state() private progress: LoadProgress = { stage: 'detector', fraction: 0, message: 'Starting…' };
  @state() private loadError = '';
  @state() private tab: Tab = 'people';

  connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      this.matcher = await openMatcher({ onProgress: (p) => (this.progress = p) });
      this.setAttribute('data-ready', 'true');
    } catch (error) {
      this.loadError = `The face models failed to load: ${messageFor(error).text}`;
      this.setAttribute('data-ready', 'false');
    }
  }

  private panel(m: Matcher) {
    switch (this.tab) {
      case 'people': return html`<people-panel .matcher=${m}></people-panel>`;
      case 'identify': return html`<identify-panel .matcher=${m}></identify-panel>`;
      case 'verify': return html`<verify-panel .matcher=${m}></verify-panel>`;
    }
  }

  render() {
    const m = this.matcher;
    return html`
      <header>
        <h1>Facelocal</h1>
        <p>Face matching that stays on this device: no photo and no face data is ever sent anywhere.</p>
      </header>
      ${this.loadError ? html`<div class="message" role="alert" data-testid="load-error">${this.loadError}</div>` : nothing}
      ${!m && !this.loadError
        ? html`<div role="status">
            <label for="load">${this.progress.message}</label><br />
            <progress id="load" data-testid="load-progress" max="1" .value=${this.progress.fraction}></progress>
          </div>`
        : nothing}
      ${m
        ? html`
            <nav role="tablist" aria-label="Sections">
              ${TABS.map((t) => html`<button type="button" role="tab" data-testid="tab-${t.id}" aria-selected=${String(this.tab === t.id)}
                @click=${() => (this.tab = t.id)}>${t.label}</button>`)}
            </nav>
            <main role="tabpanel" aria-label=${TABS.find((t) => t.id === this.tab)!.label}>${this.panel(m)}</main>
            <footer>
              <span data-testid="backend">Embedding on: ${m.info.backend}</span> ·
              match threshold ${m.info.threshold.toFixed(3)} (1 in 1,000 false matches, calibrated)
            </footer>
          `
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'facelocal-app': FacelocalApp;
  }
}
