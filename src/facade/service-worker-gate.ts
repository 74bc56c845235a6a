// On a first visit the service worker precaches the app, the wasm runtimes and the models. If the workers fetched
// them as well, before that worker controls the page, every big file would cross the network twice (74 MB instead
// of 31). So the page that registers the service worker says so, and openMatcher waits until the worker controls
// the page (it claims open pages as it activates): then every model and wasm fetch is answered from the precache.

let expected: Promise<ServiceWorkerRegistration | undefined> | undefined;
/** Bytes the precache downloads on a first visit (the models and runtimes), for the progress shown meanwhile. */
let expectedBytes = 0;

/** How far the first visit's download is: bytes received, and the share of those expected (0..1). */
export interface DownloadProgress {
  loaded: number;
  total: number;
  fraction: number;
}

/** Called by the page that registers the service worker, as it starts registering. */
export function expectServiceWorker(
  registering: Promise<ServiceWorkerRegistration | undefined>,
  downloadBytes = 0,
): void {
  expected = registering;
  expectedBytes = downloadBytes;
}

/**
 * Resolves once the page's service worker controls it, or at once when there is nothing to wait for: no service
 * worker support, none registered by this page, already controlled, or an active worker that does not control
 * this load (a hard reload). Never waits on a failed install: the models then come from the network.
 */
export async function untilServiceWorkerControls(
  onWait: (download: DownloadProgress | null) => void = () => undefined,
): Promise<void> {
  // The page registers the worker while its modules run; let them all run before deciding. (A message, not a
  // timer: a page whose clock is paused, as in tests that fast-forward retention, must still start.)
  await nextTask();
  if (!expected || !('serviceWorker' in navigator) || navigator.serviceWorker.controller) return;
  const registration = await expected;
  const installing = registration?.installing;
  if (!registration || registration.active || !installing || navigator.serviceWorker.controller) return;
  onWait(null);
  // The service worker counts the bytes its precache receives (public/precache-progress.js) and says so here.
  const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('facelocal-precache');
  if (channel) {
    channel.onmessage = (event: MessageEvent<{ loaded?: unknown }>) => {
      const loaded = Number(event.data?.loaded);
      if (!Number.isFinite(loaded) || loaded <= 0 || expectedBytes <= 0) return;
      onWait({ loaded, total: expectedBytes, fraction: Math.min(1, loaded / expectedBytes) });
    };
  }
  await new Promise<void>((resolve) => {
    navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true });
    installing.addEventListener('statechange', () => {
      if (installing.state === 'redundant') resolve();
      // Claiming follows activation at once; should it not come, go on rather than never load.
      if (installing.state === 'activated') setTimeout(resolve, 1000);
    });
  });
  channel?.close();
}

function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
