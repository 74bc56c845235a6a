// The consent record, filled in at enrolment (and again to extend retention or fix it). No consent, no enrolment.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import {
  CONSENT_PURPOSES,
  RETENTION_PRESETS,
  consentProblems,
  type ConsentPurpose,
  type ConsentRecord,
} from '../index';
import { panelStyles } from './shared-styles';
import { rendered } from './dom';

@customElement('consent-form')
export class ConsentForm extends LitElement {
  static styles = [
    panelStyles,
    css`
      fieldset {
        border: 1px solid #c9ccd1;
        border-radius: 8px;
        padding: 0.5rem 0.75rem;
        margin: 0.5rem 0;
        min-width: 0;
      }
      legend {
        font-weight: 600;
      }
      label {
        display: block;
        margin: 0.35rem 0;
      }
      select,
      textarea {
        font: inherit;
        max-width: 100%;
      }
      select {
        width: 100%;
      }
      textarea {
        width: 100%;
        box-sizing: border-box;
      }
      .problems {
        color: #a31f1f;
      }
      .required {
        color: #a31f1f;
        font-weight: 600;
      }
      /* Purposes are radio buttons, not a select: they are sentences, and a select cuts them off on a phone. */
      fieldset.purposes {
        border: none;
        padding: 0;
        margin: 0.35rem 0;
      }
      fieldset.purposes legend {
        font-weight: normal;
        padding: 0;
      }
      label.choice {
        display: flex;
        gap: 0.4rem;
        align-items: flex-start;
        margin: 0.2rem 0;
      }
      label.choice input {
        margin-top: 0.25rem;
      }
      .hint {
        font-size: 0.85rem;
        margin: 0 0 0.35rem;
      }
    `,
  ];

  /** Name of the person being enrolled: consent must come from them. */
  @property() subjectName = '';
  /** A record to start from (when fixing or extending). */
  @property({ attribute: false }) initial: ConsentRecord | null = null;
  @state() private purpose: ConsentPurpose = 'photo-library';
  @state() private method: ConsentRecord['method'] = 'checkbox';
  @state() private retentionIndex = 1;
  @state() private problems: string[] = [];

  connectedCallback(): void {
    super.connectedCallback();
    const initial = this.initial;
    if (initial) {
      this.purpose = initial.purpose;
      this.method = initial.method;
      const i = RETENTION_PRESETS.findIndex((p) => JSON.stringify(p.period) === JSON.stringify(initial.retention));
      if (i >= 0) this.retentionIndex = i;
    }
  }

  /**
   * The attestation is given in one person's name: when the name changes after it was ticked, it is unticked, so
   * consent ticked for one person can never enrol another.
   */
  protected willUpdate(changed: Map<PropertyKey, unknown>): void {
    const before = changed.get('subjectName');
    if (changed.has('subjectName') && before !== undefined && String(before).trim() !== this.subjectName.trim()) {
      const attest = this.renderRoot?.querySelector<HTMLInputElement>('[data-testid=consent-attest]');
      if (attest) attest.checked = false;
    }
  }

  private field<T extends HTMLElement>(testid: string): T {
    return rendered<T>(this.renderRoot, `[data-testid=${testid}]`);
  }

  /** The record as filled in, or null (with the problems shown) when it is not complete. */
  read(): ConsentRecord | null {
    const attested = this.field<HTMLInputElement>('consent-attest').checked;
    const record: ConsentRecord = {
      subjectName: this.subjectName.trim(),
      givenAt: Date.now(),
      purpose: this.purpose,
      purposeDetail: this.field<HTMLTextAreaElement>('consent-purpose-detail').value.trim(),
      method: this.method,
      ...(this.method === 'typed-signature'
        ? { signature: this.field<HTMLInputElement>('consent-signature').value }
        : {}),
      retention: RETENTION_PRESETS[this.retentionIndex].period,
      collectedBy: this.field<HTMLInputElement>('consent-collected-by').value.trim(),
    };
    const problems = consentProblems(record);
    if (!attested)
      problems.unshift(
        this.method === 'checkbox' ? 'Confirm that the person gave consent.' : 'Confirm that the person signed.',
      );
    this.problems = problems;
    return problems.length ? null : record;
  }

  render() {
    return html`
      <fieldset aria-label="Consent">
        <legend>Consent of ${this.subjectName || 'the person'}</legend>
        <p class="hint">Fields marked <span class="required" aria-hidden="true">*</span> are required.</p>
        <fieldset class="purposes" data-testid="consent-purpose">
          <legend>Purpose</legend>
          ${Object.entries(CONSENT_PURPOSES).map(
            ([k, label]) =>
              html`<label class="choice"
                ><input
                  type="radio"
                  name="purpose"
                  value=${k}
                  .checked=${k === this.purpose}
                  @change=${() => (this.purpose = k as ConsentPurpose)}
                />
                ${label}</label
              >`,
          )}
        </fieldset>
        <label
          >Details of the purpose (shown to them; required when the purpose is "Other")
          <textarea
            data-testid="consent-purpose-detail"
            rows="2"
            maxlength="2000"
            .value=${this.initial?.purposeDetail ?? ''}
          ></textarea>
        </label>
        <label
          >Keep their face data for
          <select
            data-testid="consent-retention"
            @change=${(e: Event) => (this.retentionIndex = Number((e.target as HTMLSelectElement).value))}
          >
            ${RETENTION_PRESETS.map((p, i) => html`<option value=${i} ?selected=${i === this.retentionIndex}>${p.label}</option>`)}
          </select>
        </label>
        <label
          >How they consent
          <select
            data-testid="consent-method"
            @change=${(e: Event) => (this.method = (e.target as HTMLSelectElement).value as ConsentRecord['method'])}
          >
            <option value="checkbox" ?selected=${this.method === 'checkbox'}>I attest they agreed</option>
            <option value="typed-signature" ?selected=${this.method === 'typed-signature'}>
              They sign: typed name
            </option>
          </select>
        </label>
        ${
          this.method === 'typed-signature'
            ? html`<label
                >Their signature (their name, typed by them)
                <input type="text" data-testid="consent-signature" autocomplete="off" maxlength="200"
              /></label>`
            : nothing
        }
        <label
          >Collected by (your name) <span class="required" aria-hidden="true">*</span>
          <input
            type="text"
            data-testid="consent-collected-by"
            maxlength="200"
            required
            aria-required="true"
            .value=${this.initial?.collectedBy ?? ''}
        /></label>
        <label
          ><input
            type="checkbox"
            data-testid="consent-attest"
            required
            aria-required="true"
            ?disabled=${!this.subjectName.trim()}
          />
          <span class="required" aria-hidden="true">*</span>
          ${this.subjectName.trim() ? this.subjectName : html`<em>(enter their name first)</em> The person`} agreed to
          their face data being kept on this device for this purpose and this long, and knows they can withdraw at any
          time.</label
        >
        ${
          this.problems.length
            ? html`<ul class="problems" role="alert" data-testid="consent-problems">
                ${this.problems.map((p) => html`<li>${p}</li>`)}
              </ul>`
            : nothing
        }
      </fieldset>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'consent-form': ConsentForm;
  }
}
