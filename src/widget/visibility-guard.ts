// Anti-clickjacking for the widget's buttons. A host that may frame the widget could make the frame invisible
// (opacity, a cover, a transform) and steer the person's clicks onto Allow or Reveal. So a button acts only when
// the browser reports the widget as really visible (IntersectionObserver v2 `trackVisibility`: not covered, not
// transparent, not transformed) and has been for ARM_DELAY_MS, counted again from every change of the prompt.
// Where the browser has no v2, it falls back to "in the viewport, fully", which a cover cannot be detected by.

/** How long the prompt must be visible and unchanged before a click counts. */
export const ARM_DELAY_MS = 600;

export interface ArmingState {
  visible: boolean;
  /** When it last became visible (ms), and when the prompt last changed. */
  visibleSince: number;
  changedAt: number;
}

/** Pure: whether a click at `now` counts. */
export function isArmed(state: ArmingState, now: number): boolean {
  return state.visible && now - Math.max(state.visibleSince, state.changedAt) >= ARM_DELAY_MS;
}

/** Whether this browser can tell covered from visible (IntersectionObserver v2). */
export function reportsOcclusion(): boolean {
  return typeof IntersectionObserverEntry !== 'undefined' && 'isVisible' in IntersectionObserverEntry.prototype;
}

/**
 * Watches the whole widget (it must not be covered, transparent or transformed anywhere it shows) and its
 * statement (who asks, their reason, what they learn: it must be fully in view, not scrolled or positioned off
 * screen, for the questions that matter most: Allow and Reveal).
 */
export class VisibilityGuard {
  private state: ArmingState = { visible: false, visibleSince: 0, changedAt: 0 };
  private statementInView = false;
  private widgetVisible = false;
  private observer: IntersectionObserver | undefined;
  private statement: Element | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `onChange` runs when arming may have changed (to re-render enabled/disabled buttons). */
  constructor(private readonly onChange: () => void) {}

  observe(widget: Element): void {
    this.observer?.disconnect();
    const v2 = reportsOcclusion();
    const options = {
      threshold: [0, 0.5, 0.99, 1],
      ...(v2 ? { trackVisibility: true, delay: 100 } : {}),
    } as IntersectionObserverInit;
    this.observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const unobstructed =
          entry.isIntersecting &&
          document.visibilityState === 'visible' &&
          (!v2 || (entry as IntersectionObserverEntry & { isVisible: boolean }).isVisible);
        if (entry.target === widget) this.widgetVisible = unobstructed;
        else if (entry.target === this.statement)
          this.statementInView = unobstructed && entry.intersectionRatio >= 0.99;
      }
      this.update();
    }, options);
    this.observer.observe(widget);
    if (this.statement) this.observer.observe(this.statement);
  }

  /** The element that states who asks and why (re-rendered elements are watched anew). */
  watchStatement(statement: Element | null): void {
    if (statement === this.statement) return;
    if (this.statement) this.observer?.unobserve(this.statement);
    this.statement = statement;
    this.statementInView = false;
    if (statement) this.observer?.observe(statement);
    this.update();
  }

  /** The prompt changed (a new step, new text): clicks wait for the delay again. */
  promptChanged(): void {
    this.state = { ...this.state, changedAt: performance.now() };
    this.schedule();
  }

  /** Whether a click counts now; `statementToo`: the statement must be fully in view as well. */
  armed(statementToo: boolean): boolean {
    return isArmed(this.state, performance.now()) && (!statementToo || this.statementInView);
  }

  private update(): void {
    const visible = this.widgetVisible;
    if (visible !== this.state.visible) this.state = { ...this.state, visible, visibleSince: performance.now() };
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.onChange();
    if (this.state.visible) this.timer = setTimeout(() => this.onChange(), ARM_DELAY_MS + 20);
  }

  disconnect(): void {
    clearTimeout(this.timer);
    this.observer?.disconnect();
  }
}
