// Headers on every response of the dev and preview servers (and, for static hosting, public/_headers).
// COOP + COEP give cross-origin isolation, which WASM threads (SharedArrayBuffer) need. The CSP is what makes
// "nothing leaves the device" hold even if a library tries: connect-src 'self' blocks any fetch, XHR, beacon or
// WebSocket to another origin (MediaPipe Tasks 1.1.0 posts usage logs to Google; we pin 0.10.34, which does not,
// and the CSP would block it anyway).
export const contentSecurityPolicy = [
  "default-src 'self'",
  // 'wasm-unsafe-eval' lets WebAssembly compile; it does not allow JS eval.
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob: mediastream:",
  // lit's static styles are constructable stylesheets; a few components set inline style for positions.
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

export const securityHeaders: Record<string, string> = {
  'Content-Security-Policy': contentSecurityPolicy,
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Permissions-Policy': 'camera=(self), microphone=(), geolocation=(), interest-cohort=()',
};

/** The widget page: the same policy, framed only by the allowed hosts; COOP unsafe-none, so the Facelocal window
 * it opens (the same page, top-level) keeps its opener, the frame it answers through. */
export function widgetHeaders(frameAncestorsDirective: string): Record<string, string> {
  return {
    ...securityHeaders,
    'Content-Security-Policy': contentSecurityPolicy.replace(/frame-ancestors [^;]*/, frameAncestorsDirective),
    'Cross-Origin-Opener-Policy': 'unsafe-none',
  };
}

/** Headers that differ between the widget page and the rest: each path must get exactly one of each. */
const PER_PAGE = ['Content-Security-Policy', 'Cross-Origin-Opener-Policy'];
/** Every path that is a document or a worker script (the only responses a CSP or COOP applies to), but the widget. */
const APP_PATHS = ['/', '/index.html', '/assets/*', '/test/*', '/sw.js'];
const WIDGET_PATHS = ['/widget.html', '/widget'];

/**
 * `_headers` for static hosts that read it (Netlify, Cloudflare Pages). Both apply every rule whose path matches,
 * so a header in `/*` and again in `/widget.html` would be sent twice (two CSPs: the strictest frame-ancestors
 * wins, and nobody could frame the widget). So `/*` carries only the headers shared by every response, and the
 * CSP and COOP are given per path, the widget's apart.
 */
export function staticHeadersFile(frameAncestorsDirective: string): string {
  const shared = Object.entries(securityHeaders).filter(([k]) => !PER_PAGE.includes(k));
  const widget = widgetHeaders(frameAncestorsDirective);
  const rule = (path: string, headers: Record<string, string>) => [
    path,
    ...PER_PAGE.map((k) => `  ${k}: ${headers[k]}`),
  ];
  return (
    [
      '/*',
      ...shared.map(([k, v]) => `  ${k}: ${v}`),
      '/*.wasm',
      '  Content-Type: application/wasm',
      ...APP_PATHS.flatMap((p) => rule(p, securityHeaders)),
      ...WIDGET_PATHS.flatMap((p) => rule(p, widget)),
    ].join('\n') + '\n'
  );
}
