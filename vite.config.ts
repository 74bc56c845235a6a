import { defineConfig } from 'vite';
import { resolve } from 'node:path';
import { VitePWA } from 'vite-plugin-pwa';
import { securityHeaders } from './scripts/security-headers.ts';
import {
  RESOLVE_CONDITIONS,
  downloadSizePlugin,
  integrityPlugin,
  runtimeAssetsPlugin,
  widgetHeadersPlugin,
} from './scripts/vite-plugins.ts';

export default defineConfig({
  plugins: [
    integrityPlugin(),
    runtimeAssetsPlugin(),
    downloadSizePlugin(),
    widgetHeadersPlugin(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false, // src/ui/update-prompt.ts registers it and asks before updating
      manifest: {
        name: 'Facelocal',
        short_name: 'Facelocal',
        description: 'Face matching that stays on this device: no photo and no face data is ever sent anywhere.',
        start_url: '.',
        scope: '.',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#2f6fed',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        cacheId: 'facelocal',
        // The app, its wasm runtimes and the models: after one visit everything works offline.
        globPatterns: ['**/*.{html,js,mjs,css,wasm,tflite,onnx,json,png,svg,webmanifest}'],
        // Not precached: the WebGPU runtime (fetched only on a real GPU), MediaPipe's no-SIMD fallback (every
        // browser that runs this app has SIMD), and the test harness.
        // Nor the widget page: its allow-list is its CSP header, which a precached copy would keep stale.
        globIgnores: [
          '**/*asyncify*',
          '**/vision_wasm_nosimd_internal.*',
          'test/**',
          'widget-config.json',
          'widget.html',
        ],
        maximumFileSizeToCacheInBytes: 20 * 1024 * 1024,
        cleanupOutdatedCaches: true,
        // A first install takes over the open page, whose model loading waits for it (service-worker-gate.ts):
        // the precache then downloads each model and wasm file once and answers the page's fetches.
        clientsClaim: true,
        // Counts the precache's bytes for the first-load progress bar (public/precache-progress.js).
        importScripts: ['precache-progress.js'],
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/\/test\//, /widget/],
      },
    }),
  ],
  server: { headers: securityHeaders, host: '127.0.0.1', port: 5173 },
  preview: { headers: securityHeaders, host: '127.0.0.1', port: 4173 },
  // ONNX Runtime's "extern wasm" entry: its .mjs/.wasm are the files we serve from vendor/ort/, not copies that
  // the bundler would add to assets/ a second time.
  resolve: { conditions: RESOLVE_CONDITIONS },
  worker: { format: 'es', plugins: () => [integrityPlugin()] },
  build: {
    target: 'es2022',
    rollupOptions: {
      // The harness page lets browser tests and benchmarks drive the real facade; it holds no data of its own.
      input: {
        app: resolve(import.meta.dirname, 'index.html'),
        widget: resolve(import.meta.dirname, 'widget.html'),
        harness: resolve(import.meta.dirname, 'test/harness/index.html'),
      },
    },
    // The wasm runtimes are large by nature; they are served as separate files, not inlined.
    chunkSizeWarningLimit: 2000,
    assetsInlineLimit: 0,
  },
});
