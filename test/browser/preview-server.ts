// Serves the built app (dist/) with `vite preview` on 127.0.0.1, on a free port, with production headers.
import { preview } from 'vite';
import { existsSync } from 'node:fs';

export async function startPreview(): Promise<{ url: string; close: () => Promise<void> }> {
  if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run "npm test" (it builds first) or "npx vite build"');
  const server = await preview({ preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false }, logLevel: 'warn' });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return { url, close: () => server.close() };
}
