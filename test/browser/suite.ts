// A browser test file's set-up, written once: Chromium launched and one watched page (the harness, the app, or a page
// not yet navigated) opened before the file's tests and both closed after them, with the file's last network check
// where it asks for one.
import { afterAll, beforeAll, expect, inject } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { WatchedPage, launchBrowser, openApp, openHarness, type RecordedRequest } from './browser';

export interface SuiteOptions {
  /** The page's size once open (a WatchedPage opens at 1100×900). */
  viewport?: { width: number; height: number };
  /**
   * Checked after the file's tests, over every request of the page: none left the origin ('same-origin'), and
   * none carried data either ('no-data-sent').
   */
  network?: 'same-origin' | 'no-data-sent';
  /** Chromium flags beyond the usual ones (a fake camera, say). */
  launchArgs?: string[];
}

/**
 * The file's browser and watched page, read inside tests and hooks (they exist once its beforeAll has run); it reads
 * as the WatchedPage it stands for, so a suite named `harness` or `app` is used as that page was.
 */
export class BrowserSuite {
  private opened: { browser: Browser; watched: WatchedPage } | null = null;

  constructor(open: (browser: Browser) => Promise<WatchedPage>, options: SuiteOptions) {
    beforeAll(async () => {
      const browser = await launchBrowser(options.launchArgs);
      try {
        this.opened = { browser, watched: await open(browser) };
      } catch (error) {
        await browser.close();
        throw error;
      }
      if (options.viewport) await this.page.setViewportSize(options.viewport);
    });
    afterAll(async () => {
      if (!this.opened) return; // beforeAll failed: it said why
      const { browser, watched } = this.opened;
      try {
        if (options.network) expect(watched.offOriginRequests()).toEqual([]);
        if (options.network === 'no-data-sent') expect(watched.requestsWithData()).toEqual([]);
      } finally {
        await watched.close();
        await browser.close();
      }
    }, 30_000);
  }

  private get current(): { browser: Browser; watched: WatchedPage } {
    if (!this.opened) throw new Error('the browser suite is used before its beforeAll has run');
    return this.opened;
  }

  get browser(): Browser {
    return this.current.browser;
  }
  get watched(): WatchedPage {
    return this.current.watched;
  }
  get page(): Page {
    return this.watched.page;
  }
  get context(): BrowserContext {
    return this.watched.context;
  }
  get origin(): string {
    return this.watched.origin;
  }
  get requests(): RecordedRequest[] {
    return this.watched.requests;
  }
  get pageErrors(): string[] {
    return this.watched.pageErrors;
  }
  get cspViolations(): string[] {
    return this.watched.cspViolations;
  }
  offOriginRequests(): RecordedRequest[] {
    return this.watched.offOriginRequests();
  }
  requestsWithData(): RecordedRequest[] {
    return this.watched.requestsWithData();
  }
}

/** The test harness page (the real facade on window.facelocal, the shared photos at /__faces/). */
export function harnessSuite(options: SuiteOptions = {}): BrowserSuite {
  return new BrowserSuite((browser) => openHarness(browser, inject('baseUrl')), options);
}

/** A watched page not yet navigated: for a test that watches the first load, or sets a clock before it. */
export function pageSuite(options: SuiteOptions = {}): BrowserSuite {
  return new BrowserSuite((browser) => WatchedPage.open(browser, inject('baseUrl')), options);
}

/** The app itself, loaded and ready. */
export function appSuite(options: SuiteOptions = {}): BrowserSuite {
  return new BrowserSuite((browser) => openApp(browser, inject('baseUrl')), options);
}
