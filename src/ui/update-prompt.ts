// Registers the service worker (offline app) and asks before switching to a new version, so an update never
// reloads the page under someone mid-enrolment.
import { LitElement, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { registerSW } from 'virtual:pwa-register';
import { panelStyles } from './shared-styles';
import { expectServiceWorker } from '../index';
import downloadBytes from 'virtual:facelocal-download-size';

@customElement('update-prompt')
export class UpdatePrompt extends LitElement {
  static styles = panelStyles;

  @state() private needRefresh = false;
  @state() private offlineReady = false;
  private applyUpdate?: (reload?: boolean) => Promise<void>;

  connectedCallback(): void {
    super.connectedCallback();
    if (!('serviceWorker' in navigator)) return;
    // Registered at once, not after the load event: on a first visit the models wait for this worker (see
    // service-worker-gate.ts), so that they are downloaded once, by its precache.
    expectServiceWorker(
      new Promise((resolve) => {
        this.applyUpdate = registerSW({
          immediate: true,
          onNeedRefresh: () => (this.needRefresh = true),
          onOfflineReady: () => (this.offlineReady = true),
          onRegisteredSW: (_url, registration) => {
            document.documentElement.dataset.swRegistered = registration ? 'true' : 'false';
            resolve(registration);
          },
          onRegisterError: () => resolve(undefined),
        });
      }),
      downloadBytes,
    );
  }

  render() {
    if (this.needRefresh) {
      return html`<div class="message info" role="status" data-testid="update-prompt">
        A new version of Facelocal is ready.
        <button type="button" data-testid="update-now" @click=${() => this.applyUpdate?.(true)}>Update now</button>
        <button type="button" class="secondary" @click=${() => (this.needRefresh = false)}>Later</button>
      </div>`;
    }
    if (this.offlineReady) {
      return html`<div class="message info" role="status" data-testid="offline-ready">
        Facelocal now works offline on this device.
        <button type="button" class="secondary" @click=${() => (this.offlineReady = false)}>OK</button>
      </div>`;
    }
    return nothing;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'update-prompt': UpdatePrompt;
  }
}
