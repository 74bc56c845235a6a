// Serves the built app (dist/) with `vite preview` on 127.0.0.1, on a free port, with production headers; or,
// with crossOriginIsolated: false, without COOP/COEP, as a host that cannot send them would (no SharedArrayBuffer,
// so single-threaded WASM).
import { preview, type Plugin } from 'vite';
import { existsSync } from 'node:fs';

const ISOLATION_HEADERS = /^cross-origin-(opener|embedder)-policy$/i;

/** Drops COOP and COEP from every response, whoever sets them (preview's headers, the widget's middleware). */
function withoutIsolation(): Plugin {
  return {
    name: 'facelocal-without-isolation',
    enforce: 'pre',
    configurePreviewServer(server) {
      server.middlewares.use((_req, res, next) => {
        const setHeader = res.setHeader.bind(res);
        res.setHeader = (name: string, value: number | string | readonly string[]) =>
          ISOLATION_HEADERS.test(name) ? res : setHeader(name, value);
        next();
      });
    },
  };
}

export async function startPreview(
  options: { crossOriginIsolated?: boolean } = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  if (!existsSync('dist/index.html'))
    throw new Error('dist/ is missing: run "npm test" (it builds first) or "npx vite build"');
  const plugins = options.crossOriginIsolated === false ? [withoutIsolation()] : [];
  const server = await preview({
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
    logLevel: 'warn',
    plugins,
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return { url, close: () => server.close() };
}
