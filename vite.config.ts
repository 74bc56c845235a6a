import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { readFileSync, existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { runtimeAssets, contentTypes } from './scripts/runtime-assets.ts';
import { securityHeaders } from './scripts/security-headers.ts';

/** Serves the runtime assets (wasm builds, verified models) in dev and emits them into the build. */
function runtimeAssetsPlugin(): Plugin {
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
      const headers = ['/*', ...Object.entries(securityHeaders).map(([k, v]) => `  ${k}: ${v}`), '/*.wasm', '  Content-Type: application/wasm'];
      this.emitFile({ type: 'asset', fileName: '_headers', source: headers.join('\n') + '\n' });
    },
  };
}

export default defineConfig({
  plugins: [runtimeAssetsPlugin()],
  server: { headers: securityHeaders, host: '127.0.0.1', port: 5173 },
  preview: { headers: securityHeaders, host: '127.0.0.1', port: 4173 },
  // ONNX Runtime's "extern wasm" entry: its .mjs/.wasm are the files we serve from vendor/ort/, not copies that
  // the bundler would add to assets/ a second time.
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    rollupOptions: {
      // The harness page lets browser tests and benchmarks drive the real facade; it holds no data of its own.
      input: { app: resolve(import.meta.dirname, 'index.html'), harness: resolve(import.meta.dirname, 'test/harness/index.html') },
    },
    // The wasm runtimes are large by nature; they are served as separate files, not inlined.
    chunkSizeWarningLimit: 2000,
    assetsInlineLimit: 0,
  },
});
