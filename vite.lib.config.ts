// The facade (src/index.ts) as an ES module library for other apps: `npm run build:lib` writes dist-lib/ with
// facelocal.js, its worker chunks, type declarations (types/), and the models and wasm runtimes to serve beside it.
import { defineConfig } from 'vite';
import { resolve } from 'node:path';
import { RESOLVE_CONDITIONS, integrityPlugin, runtimeAssetsPlugin } from './scripts/vite-plugins.ts';

export default defineConfig({
  plugins: [integrityPlugin(), runtimeAssetsPlugin()],
  publicDir: false,
  resolve: { conditions: RESOLVE_CONDITIONS },
  worker: { format: 'es', plugins: () => [integrityPlugin()] },
  build: {
    target: 'es2022',
    outDir: 'dist-lib',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    lib: { entry: resolve(import.meta.dirname, 'src/index.ts'), formats: ['es'], fileName: 'facelocal' },
  },
});
