// The widget page (widget.html). In a frame, embedded by a consent-based site: it answers requests from the
// origins its own CSP lets frame it (frame-ancestors, read from the served policy: one list, one place), asks the
// person itself, and posts back only the verdict, only to the asking origin. Opened as `widget.html?mode=window`
// by that frame (on the person's click, when the frame has no storage), it is Facelocal's own first-party window:
// it does the check there and hands the verdict back to the frame that opened it, which passes it on.
import {
  allowListFromCsp,
  isAllowedOrigin,
  parseCancel,
  parseRequest,
  type WidgetAnswer,
  type WidgetConfig,
  type WidgetRequest,
} from './widget-protocol';
import { SiteGallery } from './site-gallery';
import './facelocal-verify';

const found = document.querySelector('facelocal-verify');
if (!found) throw new Error('widget.html has no <facelocal-verify>');
const element = found;
const inWindow = new URLSearchParams(location.search).get('mode') === 'window';
/** Set when the person lets this frame use Facelocal's own storage (Storage Access API). */
let grantedIdb: IDBFactory | undefined;

/** The origins that may ask: those the served policy of this very page lets frame it. */
async function loadAllowList(): Promise<WidgetConfig> {
  try {
    const response = await fetch(location.pathname, { cache: 'no-store', credentials: 'omit' });
    const read = allowListFromCsp(response.headers.get('Content-Security-Policy'));
    if (read.ok) return read.config;
    console.warn(`Facelocal widget: ${read.problem}; nobody will be answered.`);
  } catch {
    // unreachable policy: nobody may ask
  }
  return { allowedOrigins: [] };
}

/** Whether IndexedDB opens here (a frame on another site may get partitioned storage, or none at all). */
function storageWorks(): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 5000);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      resolve(ok);
    };
    try {
      const probe = indexedDB.open('facelocal-storage-probe');
      probe.onsuccess = () => {
        probe.result.close();
        indexedDB.deleteDatabase('facelocal-storage-probe');
        done(true);
      };
      probe.onerror = () => done(false);
    } catch {
      done(false);
    }
  });
}

/** document.requestStorageAccess with IndexedDB (after the person's click); null when granted, else why not. */
async function askStorageAccess(): Promise<string | null> {
  try {
    const handle = await (
      document as Document & {
        requestStorageAccess(types?: { indexedDB: boolean }): Promise<{ indexedDB?: IDBFactory } | undefined>;
      }
    ).requestStorageAccess({ indexedDB: true });
    if (!handle?.indexedDB)
      return 'The browser granted access to cookies only, not to storage: use the Facelocal window instead.';
    grantedIdb = handle.indexedDB;
    return null;
  } catch {
    return 'The browser did not grant Facelocal storage access in this frame: use the Facelocal window instead.';
  }
}

function openGallery(origin: string): () => Promise<SiteGallery> {
  return () => SiteGallery.open(origin, grantedIdb ? { idbFactory: grantedIdb } : {});
}

interface Pending {
  request: WidgetRequest;
  origin: string;
  timer: ReturnType<typeof setTimeout>;
  popup?: Window | null;
}

async function inFrame(): Promise<void> {
  const config = await loadAllowList();
  const storage = await storageWorks();
  element.storage = storage ? 'here' : 'none';
  element.askStorageAccess = 'requestStorageAccess' in document ? askStorageAccess : null;
  let pending: Pending | null = null;

  // Always to the exact asking origin, never '*'.
  const reply = (origin: string, answer: WidgetAnswer) => window.parent.postMessage(answer, origin);
  const finish = (answer: WidgetAnswer) => {
    if (!pending || answer.id !== pending.request.id) return;
    const { origin, timer, popup } = pending;
    pending = null;
    clearTimeout(timer);
    popup?.close();
    reply(origin, answer);
  };
  const end = (error: 'cancelled' | 'timeout', note: string) => {
    if (!pending) return;
    element.end(note);
    finish({ type: 'facelocal:error', id: pending.request.id, error });
  };

  element.addEventListener('facelocal-answer', (e) => finish((e as CustomEvent<WidgetAnswer>).detail));
  element.addEventListener('facelocal-open-window', () => {
    if (!pending) return;
    const url = new URL(location.pathname, location.href);
    url.search = '?mode=window';
    const popup = window.open(url, `facelocal-${crypto.randomUUID()}`, 'popup,width=560,height=760');
    if (!popup) {
      element.end('The browser blocked the Facelocal window.');
      finish({ type: 'facelocal:error', id: pending.request.id, error: 'unavailable' });
      return;
    }
    pending.popup = popup;
    const watch = setInterval(() => {
      if (pending?.popup !== popup) return clearInterval(watch);
      if (!popup.closed) return;
      clearInterval(watch);
      element.end('The Facelocal window was closed: nothing was checked.');
      finish({ type: 'facelocal:error', id: pending.request.id, error: 'denied' });
    }, 400);
  });

  window.addEventListener('message', (event) => {
    // Facelocal's own window, opened by this frame: it asks for the request and hands back the verdict.
    if (pending?.popup && event.source === pending.popup) {
      if (event.origin !== location.origin) return;
      const data = event.data as { type?: string; answer?: WidgetAnswer; note?: unknown };
      if (data?.type === 'facelocal:window-ready') {
        pending.popup.postMessage(
          { type: 'facelocal:window-request', origin: pending.origin, request: pending.request },
          location.origin,
        );
      } else if (data?.type === 'facelocal:window-answer' && data.answer) {
        // The window's own words (same origin, our code): what the site was told, shown where the person is.
        element.end(typeof data.note === 'string' ? data.note.slice(0, 300) : 'Answered from the Facelocal window.');
        finish(data.answer);
      }
      return;
    }
    if (event.source !== window.parent || window.parent === window) return;
    const request = parseRequest(event.data);
    const cancel = parseCancel(event.data);
    if (!isAllowedOrigin(event.origin, config)) {
      // Only a host that may frame us gets here at all; answer with no more than that it is not allowed.
      reply(event.origin, { type: 'facelocal:error', id: request?.id ?? null, error: 'origin-not-allowed' });
      return;
    }
    if (cancel) {
      if (pending?.request.id === cancel.id) end('cancelled', `${event.origin} cancelled its request.`);
      return;
    }
    if (!request) return reply(event.origin, { type: 'facelocal:error', id: null, error: 'bad-request' });
    if (pending || element.busy) return reply(event.origin, { type: 'facelocal:error', id: request.id, error: 'busy' });
    const timer = setTimeout(
      () =>
        end(
          'timeout',
          `No answer within ${Math.round(request.timeoutMs / 1000)} s: ${event.origin} was told the request timed out.`,
        ),
      request.timeoutMs,
    );
    pending = { request, origin: event.origin, timer };
    element.requester = event.origin;
    element.openGallery = openGallery(event.origin);
    element.request = request;
  });
  document.documentElement.dataset.widgetStorage = element.storage;
  document.documentElement.dataset.widgetListening = 'true';
  // Tell the host we can take requests (no data: just that we exist).
  window.parent.postMessage({ type: 'facelocal:ready' }, '*');
}

async function asWindow(): Promise<void> {
  const opener = window.opener as Window | null;
  if (!opener) {
    document.body.insertAdjacentHTML(
      'afterbegin',
      '<p data-testid="widget-window-alone">This Facelocal window answers only the site frame that opened it; it was opened on its own, so there is nothing to do.</p>',
    );
    return;
  }
  const config = await loadAllowList();
  element.inWindow = true;
  element.storage = 'here';
  element.addEventListener('facelocal-answer', (e) => {
    opener.postMessage(
      { type: 'facelocal:window-answer', answer: (e as CustomEvent<WidgetAnswer>).detail, note: element.note },
      location.origin,
    );
    setTimeout(() => window.close(), 1500);
  });
  window.addEventListener('message', (event) => {
    // Only the frame that opened this window, on this origin, can hand it a request.
    if (event.source !== opener || event.origin !== location.origin) return;
    const data = event.data as { type?: string; origin?: unknown; request?: unknown };
    if (
      data?.type !== 'facelocal:window-request' ||
      typeof data.origin !== 'string' ||
      !isAllowedOrigin(data.origin, config)
    )
      return;
    const request = parseRequest(data.request);
    if (!request || element.request) return;
    element.requester = data.origin;
    element.openGallery = openGallery(data.origin);
    element.request = request;
  });
  document.documentElement.dataset.widgetListening = 'true';
  opener.postMessage({ type: 'facelocal:window-ready' }, location.origin);
}

void (inWindow ? asWindow() : inFrame());
