// "Am I in this gallery?": a person checks with a selfie. The selfie and its template are compared in memory and
// dropped; nothing is stored or logged, and nothing else is asked of them.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Matcher, SelfCheckResult } from '../index';
import { alertMessage, messageFor, type UserMessage } from './messages';
import { panelStyles } from './shared-styles';
import './photo-picker';
import type { PhotosSelectedEvent } from './events';

@customElement('self-check-panel')
export class SelfCheckPanel extends LitElement {
  static styles = panelStyles;

  @property({ attribute: false }) matcher!: Matcher;
  @state() private busy = false;
  @state() private result: SelfCheckResult | null = null;
  @state() private message: UserMessage | null = null;

  private async check(e: PhotosSelectedEvent) {
    this.result = null;
    this.message = null;
    this.busy = true;
    try {
      this.result = await this.matcher.selfCheck(e.files[0]);
    } catch (error) {
      this.message = messageFor(error);
    } finally {
      this.busy = false;
    }
  }

  render() {
    const r = this.result;
    return html`
      <h2>Am I in this gallery?</h2>
      <p>
        Take a selfie or choose a photo of yourself. It is compared on this device and then forgotten: the photo and its
        face data are not stored, the check is not logged, and you are asked for nothing else.
      </p>
      <photo-picker
        label="Your selfie"
        testid="self-check-photo"
        ?disabled=${this.busy}
        @photos-selected=${this.check}
      ></photo-picker>
      ${this.busy ? html`<div class="busy" data-testid="self-check-busy" role="status">Comparing…</div>` : nothing}
      ${alertMessage(this.message)}
      ${
        r
          ? html`<div class="message info" role="status" data-testid="self-check-result" data-found=${String(r.found)}>
              ${
                r.found
                  ? html`Yes: you are enrolled here as <strong>${r.name}</strong>. Ask the person who runs this device
                      to show, export or erase your data (the People tab: Export data, Withdraw consent).`
                  : html`No: your face does not match anyone enrolled on this device.`
              }
            </div>`
          : nothing
      }
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'self-check-panel': SelfCheckPanel;
  }
}
