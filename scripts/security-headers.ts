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
