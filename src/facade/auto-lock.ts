// Locks the gallery when this page is left alone: after a chosen time without input, and (if chosen) as soon as
// the page is hidden. Only in a page (workers have no input); the lock itself is broadcast to the other tabs.
import type { GalleryPreferences } from '../store/gallery-store';

const ACTIVITY = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'pointermove'] as const;

export class AutoLock {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private setting: GalleryPreferences['autoLock'] = { idleMs: null, whenHidden: false };
  private readonly onActivity = () => this.restart();
  private readonly onVisibility = () => {
    if (this.setting.whenHidden && document.visibilityState === 'hidden') this.lock();
  };

  constructor(private readonly lock: () => void) {
    if (typeof document === 'undefined') return;
    for (const type of ACTIVITY) addEventListener(type, this.onActivity, { passive: true, capture: true });
    document.addEventListener('visibilitychange', this.onVisibility);
  }

  apply(setting: GalleryPreferences['autoLock']): void {
    this.setting = setting;
    this.restart();
  }

  /** Any use of the gallery through the facade counts as activity too. */
  restart(): void {
    clearTimeout(this.timer);
    if (this.setting.idleMs !== null && typeof document !== 'undefined')
      this.timer = setTimeout(() => this.lock(), this.setting.idleMs);
  }

  stop(): void {
    clearTimeout(this.timer);
    if (typeof document === 'undefined') return;
    for (const type of ACTIVITY) removeEventListener(type, this.onActivity, { capture: true });
    document.removeEventListener('visibilitychange', this.onVisibility);
  }
}
