// "Same person?": the import's most likely pairs of groups (or a face in no group, or someone enrolled) that may be
// one person, one question at a time. Yes joins them; No is remembered and never asked again. Fires `answered`
// after each answer so the import panel reloads its groups.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ImportedFace, Matcher, SamePersonSuggestion, SuggestionSide } from '../index';
import { count, messageFor, type UserMessage } from './messages';
import { cardStyles, panelStyles } from './shared-styles';
import './face-initials';
import { AnsweredEvent } from './events';

/** Faces shown per side: enough to judge, few enough to fit. */
const FACES_SHOWN = 6;

@customElement('same-person-questions')
export class SamePersonQuestions extends LitElement {
  static styles = [
    panelStyles,
    cardStyles,
    css`
      .pair {
        display: grid;
        grid-template-columns: 1fr auto 1fr;
        gap: 0.75rem;
        align-items: center;
      }
      .side {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
      }
      .side img {
        width: 64px;
        height: 64px;
        border-radius: 4px;
      }
      .vs {
        font-weight: 600;
      }
    `,
  ];

  @property({ attribute: false }) matcher!: Matcher;
  @property() jobId = '';
  /** Changes whenever the groups change (the panel passes its groups object), so the questions are asked afresh. */
  @property({ attribute: false }) groupsVersion: unknown = null;
  @state() private suggestions: SamePersonSuggestion[] | null = null;
  @state() private busy = false;
  @state() private message: UserMessage | null = null;
  private urls: string[] = [];

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.revoke();
  }

  protected willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('jobId') || changed.has('groupsVersion')) void this.load();
  }

  private revoke() {
    for (const url of this.urls) URL.revokeObjectURL(url);
    this.urls = [];
  }

  private async load() {
    if (!this.jobId) return;
    try {
      this.suggestions = await this.matcher.imports.suggestions(this.jobId, { limit: 20 });
    } catch (error) {
      this.message = messageFor(error);
    }
  }

  private async answer(suggestion: SamePersonSuggestion, same: boolean) {
    this.busy = true;
    this.message = null;
    try {
      await this.matcher.imports.answerSuggestion(this.jobId, suggestion, same);
      this.dispatchEvent(new AnsweredEvent(same));
      await this.load();
    } catch (error) {
      this.message = messageFor(error);
    } finally {
      this.busy = false;
    }
  }

  private faceImage(face: ImportedFace) {
    if (!face.thumbnail)
      return html`<face-initials name="?" .seed=${face.id} size="64" title="No picture kept"></face-initials>`;
    const url = URL.createObjectURL(face.thumbnail);
    this.urls.push(url);
    return html`<img src=${url} alt="A face from ${face.fileName}" />`;
  }

  private renderSide(side: SuggestionSide, label: string) {
    if (side.kind === 'person')
      return html`<div class="side" data-testid="same-person-side" data-kind="person">${side.name} (enrolled)</div>`;
    const faces = side.kind === 'group' ? side.faces : [side.face];
    return html`<div
      class="side"
      data-testid="same-person-side"
      data-kind=${side.kind}
      data-faces=${faces.map((f) => f.id).join(' ')}
      aria-label=${label}
    >
      ${faces.slice(0, FACES_SHOWN).map((f) => this.faceImage(f))}
      ${faces.length > FACES_SHOWN ? html`<span>+${faces.length - FACES_SHOWN}</span>` : nothing}
    </div>`;
  }

  render() {
    const list = this.suggestions;
    if (!list) return nothing;
    this.revoke();
    const top = list[0];
    return html`<h3>Same person?</h3>
      ${this.message ? html`<div class="message" role="alert" data-testid="message" data-code=${this.message.code}>${this.message.text}</div>` : nothing}
      ${
        top
          ? html`<p class="small" data-testid="same-person-count" data-count=${list.length}>
                ${count(list.length, 'question')}, most likely first. A "No" is remembered: these faces are never
                grouped together.
              </p>
              <div class="pair" data-testid="same-person-question" data-a=${top.a.kind} data-b=${top.b.kind}>
                ${this.renderSide(top.a, 'First')}<span class="vs">and</span>${this.renderSide(top.b, 'Second')}
              </div>
              <div class="row">
                <button
                  type="button"
                  data-testid="same-person-yes"
                  ?disabled=${this.busy}
                  @click=${() => this.answer(top, true)}
                >
                  Yes, same person
                </button>
                <button
                  type="button"
                  class="secondary"
                  data-testid="same-person-no"
                  ?disabled=${this.busy}
                  @click=${() => this.answer(top, false)}
                >
                  No, different people
                </button>
              </div>`
          : html`<p class="small" data-testid="same-person-none">No more questions: no groups left that look alike.</p>`
      }`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'same-person-questions': SamePersonQuestions;
  }
}
