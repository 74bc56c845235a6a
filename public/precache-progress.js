// Imported by the service worker (vite.config.ts, workbox importScripts). On a first visit the precache downloads
// the models and wasm runtimes while the page waits (src/facade/service-worker-gate.ts); this counts the bytes as
// they arrive and tells the page, so its progress bar moves with the download. Nothing here leaves the device: the
// counts go to this origin's own pages by BroadcastChannel.
(() => {
  const channel = new BroadcastChannel('facelocal-precache');
  const nativeFetch = self.fetch.bind(self);
  let installing = false;
  let loaded = 0;
  let lastSent = 0;
  const send = (force) => {
    const now = Date.now();
    if (!force && now - lastSent < 100) return;
    lastSent = now;
    channel.postMessage({ loaded });
  };
  // Registered before workbox's own install listener (this file is imported first), so counting starts with it.
  self.addEventListener('install', () => {
    installing = true;
    loaded = 0;
  });
  self.addEventListener('activate', () => {
    installing = false;
    send(true);
  });
  self.fetch = async (input, init) => {
    const response = await nativeFetch(input, init);
    if (!installing || !response.body) return response;
    const counter = new TransformStream({
      transform(chunk, controller) {
        loaded += chunk.byteLength;
        send(false);
        controller.enqueue(chunk);
      },
      flush() {
        send(true);
      },
    });
    return new Response(response.body.pipeThrough(counter), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
})();
