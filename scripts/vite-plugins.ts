// Facelocal's vite plugins, shared by the app's build (vite.config.ts) and the library's (vite.lib.config.ts):
// runtime assets and headers, the compiled-in integrity hashes, the first-visit download size, the widget's policy.
import { defaultClientConditions, type Plugin } from 'vite';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { runtimeAssets, contentTypes } from './runtime-assets.ts';
import { INTEGRITY_MODULE_ID, expectedHashes } from './integrity-hashes.ts';
import { securityHeaders, staticHeadersFile, widgetHeaders } from './security-headers.ts';
import { checkWidgetConfig, frameAncestors } from '../src/widget/widget-protocol.ts';

/**
 * The widget's allow-list, refused whole when an entry is not an exact origin (a wildcard would be matched one way
 * by the browser's frame-ancestors and another by the message check, so it is not accepted at all).
 */
function widgetFrameAncestors(file: string, onProblem: (message: string) => void): string {
  const checked = checkWidgetConfig(JSON.parse(readFileSync(file, 'utf8')));
  if (checked.ok) return frameAncestors(checked.config);
  onProblem(`${file} refused: ${checked.problems.join('; ')}`);
  return "frame-ancestors 'self'";
}

/**
 * `vite preview` sets one set of headers for every response; the widget page gets its own, from the
 * widget-config.json deployed beside it, read on every request (so its owner changes the allow-list without a
 * rebuild or restart). The widget reads its allow-list back from this very header.
 */
export function widgetHeadersPlugin(): Plugin {
  return {
    name: 'facelocal-widget-headers',
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        if ((req.url ?? '').split('?')[0] !== '/widget.html') return next();
        const outDir = resolve(server.config.root, server.config.build.outDir);
        const directive = widgetFrameAncestors(resolve(outDir, 'widget-config.json'), (m) =>
          server.config.logger.error(m),
        );
        for (const [k, v] of Object.entries(widgetHeaders(directive))) res.setHeader(k, v);
        res.setHeader('Content-Type', 'text/html');
        res.setHeader('Cache-Control', 'no-cache');
        res.end(readFileSync(resolve(outDir, 'widget.html')));
      });
    },
  };
}

/** Serves the runtime assets (wasm builds, verified models) in dev and emits them into the build. */
export function runtimeAssetsPlugin(): Plugin {
  let base = '/';
  const serve: Plugin['configureServer'] = (server) => {
    server.middlewares.use((req, res, next) => {
      const path = decodeURIComponent((req.url ?? '').split('?')[0]);
      const file = path.startsWith(base) ? runtimeAssets[path.slice(base.length)] : undefined;
      if (!file) return next();
      if (!existsSync(file)) {
        res.statusCode = 404;
        res.end(`missing ${path}: run "npm run models"`);
        return;
      }
      res.setHeader('Content-Type', contentTypes[extname(file)] ?? 'application/octet-stream');
      for (const [k, v] of Object.entries(securityHeaders)) res.setHeader(k, v);
      res.end(readFileSync(file));
    });
  };
  return {
    name: 'facelocal-runtime-assets',
    configResolved(config) {
      base = config.base;
    },
    configureServer: serve,
    generateBundle() {
      for (const [fileName, file] of Object.entries(runtimeAssets)) {
        if (!existsSync(file)) this.error(`missing ${file}: run "npm run models" first`);
        this.emitFile({ type: 'asset', fileName, source: readFileSync(file) });
      }
      // For static hosts that read a _headers file (Netlify, Cloudflare Pages): the same headers as `npm start`.
      const directive = widgetFrameAncestors(resolve(import.meta.dirname, '../public/widget-config.json'), (m) =>
        this.error(m),
      );
      this.emitFile({ type: 'asset', fileName: '_headers', source: staticHeadersFile(directive) });
    },
  };
}

/** Runtime assets the service worker precaches (the rest are fetched only where needed; see globIgnores below). */
const PRECACHE_IGNORED = [/asyncify/, /vision_wasm_nosimd_internal/];

/**
 * "virtual:facelocal-download-size": the bytes of the models and wasm runtimes a first visit downloads (by far
 * the most of it), so the page's first-load bar can say how far the download is (public/precache-progress.js).
 */
export function downloadSizePlugin(): Plugin {
  const id = 'virtual:facelocal-download-size';
  const resolved = `\0${id}`;
  return {
    name: 'facelocal-download-size',
    resolveId: (i) => (i === id ? resolved : undefined),
    load: (i) => {
      if (i !== resolved) return undefined;
      const bytes = Object.entries(runtimeAssets)
        .filter(([name, file]) => !PRECACHE_IGNORED.some((r) => r.test(name)) && existsSync(file))
        .reduce((n, [, file]) => n + statSync(file).size, 0);
      return `export default ${bytes};`;
    },
  };
}

/**
 * "virtual:facelocal-integrity": the sha256 of every model and wasm runtime, computed now and compiled into the
 * bundle, so the browser never trusts a hash list served beside the files it checks. Workers are bundled
 * separately, so this goes in `worker.plugins` as well as `plugins`.
 */
export function integrityPlugin(): Plugin {
  const resolved = `\0${INTEGRITY_MODULE_ID}`;
  return {
    name: 'facelocal-integrity',
    resolveId: (id) => (id === INTEGRITY_MODULE_ID ? resolved : undefined),
    load: (id) => (id === resolved ? `export default ${JSON.stringify(expectedHashes())};` : undefined),
  };
}

export const RESOLVE_CONDITIONS = ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions];
