import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TIMEOUT_MS,
  MAX_TIMEOUT_MS,
  MIN_TIMEOUT_MS,
  allowListFromCsp,
  checkWidgetConfig,
  frameAncestors,
  isAllowedOrigin,
  parseCancel,
  parseRequest,
  parseWidgetConfig,
} from '../../src/widget/widget-protocol';
import { cleanReason, SHOWN_REASON_LENGTH } from '../../src/widget/prompt-text';
import { revealedId, REVEAL_SECRET_BYTES } from '../../src/core/revealed-id';
import { ARM_DELAY_MS, isArmed } from '../../src/widget/visibility-guard';
import { contentSecurityPolicy, staticHeadersFile, widgetHeaders } from '../../scripts/security-headers';
import { selfConsent, siteDatabaseName } from '../../src/widget/site-gallery';
import { consentProblems } from '../../src/core/consent';

describe('widget protocol', () => {
  const config = parseWidgetConfig({
    allowedOrigins: ['https://shop.example', 'not an origin', 'https://x.example/path', 42],
  });

  it('keeps only real origins in the allow-list', () => {
    expect(config.allowedOrigins).toEqual(['https://shop.example']);
    expect(parseWidgetConfig(null)).toEqual({ allowedOrigins: [] });
    expect(parseWidgetConfig({ allowedOrigins: 'https://a.example' })).toEqual({ allowedOrigins: [] });
  });

  it('refuses a config with a wildcard or anything but exact origins, whole, with the reasons', () => {
    expect(checkWidgetConfig({ allowedOrigins: ['https://shop.example', 'http://localhost:5000'] })).toEqual({
      ok: true,
      config: { allowedOrigins: ['https://shop.example', 'http://localhost:5000'] },
    });
    const refused = checkWidgetConfig({
      allowedOrigins: ['https://shop.example', 'https://*.example.com', 'https://x.example/', 'null'],
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.problems).toHaveLength(3);
      expect(refused.problems[0]).toMatch(/wildcards are refused/);
      expect(refused.problems[1]).toMatch(/write it as https:\/\/x\.example/);
    }
    // The lenient reader drops the wildcard too: it is never matched anywhere.
    expect(parseWidgetConfig({ allowedOrigins: ['https://*.example.com'] }).allowedOrigins).toEqual([]);
  });

  it('allows exactly the listed origins (not subdomains, other schemes or "null")', () => {
    expect(isAllowedOrigin('https://shop.example', config)).toBe(true);
    expect(isAllowedOrigin('http://shop.example', config)).toBe(false);
    expect(isAllowedOrigin('https://evil.shop.example', config)).toBe(false);
    expect(isAllowedOrigin('null', parseWidgetConfig({ allowedOrigins: ['null'] }))).toBe(false);
  });

  it('accepts only well-formed requests, with a bounded timeout', () => {
    expect(parseRequest({ type: 'facelocal:request', id: 'a', kind: 'verify', reason: 'pay' })).toEqual({
      type: 'facelocal:request',
      id: 'a',
      kind: 'verify',
      reason: 'pay',
      timeoutMs: DEFAULT_TIMEOUT_MS,
    });
    expect(parseRequest({ type: 'facelocal:request', id: 'a', kind: 'verify', timeoutMs: 1 })?.timeoutMs).toBe(
      MIN_TIMEOUT_MS,
    );
    expect(parseRequest({ type: 'facelocal:request', id: 'a', kind: 'verify', timeoutMs: 1e12 })?.timeoutMs).toBe(
      MAX_TIMEOUT_MS,
    );
    expect(parseRequest({ type: 'facelocal:request', id: 'a', kind: 'verify', timeoutMs: 'soon' })).toBeNull();
    expect(parseRequest({ type: 'facelocal:request', id: 'a', kind: 'verify', reason: 'x'.repeat(301) })).toBeNull();
    expect(parseRequest({ type: 'facelocal:request', id: 'a', kind: 'export' })).toBeNull();
    expect(parseRequest({ type: 'facelocal:request', id: '', kind: 'verify' })).toBeNull();
    expect(parseRequest({ type: 'other', id: 'a', kind: 'verify' })).toBeNull();
    expect(parseRequest('verify')).toBeNull();
    // extra fields a host might add are dropped, not passed on
    expect(parseRequest({ type: 'facelocal:request', id: 'a', kind: 'identify', give: 'me everything' })).toEqual({
      type: 'facelocal:request',
      id: 'a',
      kind: 'identify',
      timeoutMs: DEFAULT_TIMEOUT_MS,
    });
  });

  it('reads a cancel', () => {
    expect(parseCancel({ type: 'facelocal:cancel', id: 'a' })).toEqual({ type: 'facelocal:cancel', id: 'a' });
    expect(parseCancel({ type: 'facelocal:cancel' })).toBeNull();
    expect(parseCancel({ type: 'facelocal:request', id: 'a' })).toBeNull();
  });

  it('frames only for itself and the allowed hosts', () => {
    expect(frameAncestors(config)).toBe("frame-ancestors 'self' https://shop.example");
  });

  it('reads its allow-list back from its own served policy, and refuses a policy it would match differently', () => {
    const csp = widgetHeaders("frame-ancestors 'self' https://shop.example http://localhost:4000")[
      'Content-Security-Policy'
    ];
    expect(allowListFromCsp(csp)).toEqual({
      ok: true,
      config: { allowedOrigins: ['https://shop.example', 'http://localhost:4000'] },
    });
    expect(allowListFromCsp(contentSecurityPolicy)).toEqual({ ok: true, config: { allowedOrigins: [] } });
    expect(allowListFromCsp(csp.replace('https://shop.example', 'https://*.example.com')).ok).toBe(false);
    expect(allowListFromCsp(csp.replace('https://shop.example', 'https:')).ok).toBe(false);
    expect(allowListFromCsp(`${csp}, ${contentSecurityPolicy}`).ok).toBe(false); // two policies merged into one header
    expect(allowListFromCsp(null).ok).toBe(false);
  });
});

describe('static _headers', () => {
  /** How Netlify and Cloudflare Pages read it: every rule whose path matches applies (a splat matches the rest). */
  function headersFor(file: string, path: string): [string, string][] {
    const out: [string, string][] = [];
    let applies = false;
    for (const line of file.split('\n')) {
      if (!line.trim()) continue;
      if (!line.startsWith(' ')) {
        const pattern = line.trim();
        applies = pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern;
        continue;
      }
      if (applies) {
        const [k, ...v] = line.trim().split(': ');
        out.push([k, v.join(': ')]);
      }
    }
    return out;
  }
  const file = staticHeadersFile("frame-ancestors 'self' https://shop.example");

  it('gives the widget page exactly one CSP (its own) and one COOP, and every app page exactly one of each', () => {
    for (const path of [
      '/widget.html',
      '/widget',
      '/',
      '/index.html',
      '/assets/detector.worker-abc.js',
      '/test/harness/',
      '/sw.js',
    ]) {
      const csp = headersFor(file, path).filter(([k]) => k === 'Content-Security-Policy');
      const coop = headersFor(file, path).filter(([k]) => k === 'Cross-Origin-Opener-Policy');
      expect([path, csp.length, coop.length]).toEqual([path, 1, 1]);
      const widget = path.startsWith('/widget');
      expect(csp[0][1]).toContain(widget ? "frame-ancestors 'self' https://shop.example" : "frame-ancestors 'self'");
      if (!widget) expect(csp[0][1]).not.toContain('shop.example');
      expect(coop[0][1]).toBe(widget ? 'unsafe-none' : 'same-origin');
    }
    expect(headersFor(file, '/widget.html').filter(([k]) => k === 'X-Content-Type-Options')).toHaveLength(1);
  });
});

describe('host text in the prompt', () => {
  it('removes control, bidi and zero-width characters and collapses white space', () => {
    expect(cleanReason('Pay\u202E yap \u2066now\u2069\u200B!\n\tok\u0007')).toBe('Pay yap now! ok');
    expect(cleanReason('\u202E\u200F  ')).toBeNull();
    expect(cleanReason(undefined)).toBeNull();
  });

  it('cuts long text at a character, never inside one, and says so', () => {
    const long = '😀'.repeat(300);
    const shown = cleanReason(long)!;
    expect(Array.from(shown)).toHaveLength(SHOWN_REASON_LENGTH);
    expect(shown.endsWith('…')).toBe(true);
    expect(shown).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('revealed ids', () => {
  const secret = new Uint8Array(REVEAL_SECRET_BYTES).map((_, i) => i);
  const other = new Uint8Array(REVEAL_SECRET_BYTES).map((_, i) => 255 - i);

  it('one person gets a different id at each host origin, the same id each time at one', async () => {
    const a = await revealedId(secret, 'person-1', 'https://shop.example');
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await revealedId(secret, 'person-1', 'https://shop.example')).toBe(a);
    expect(await revealedId(secret, 'person-1', 'https://bank.example')).not.toBe(a);
    expect(await revealedId(secret, 'person-2', 'https://shop.example')).not.toBe(a);
    expect(await revealedId(other, 'person-1', 'https://shop.example')).not.toBe(a);
    expect(a).not.toContain('person');
  });

  it('refuses a short secret', async () => {
    await expect(revealedId(new Uint8Array(8), 'p', 'https://a.example')).rejects.toThrow(RangeError);
  });
});

describe('arming the buttons', () => {
  it('a click counts only when visible, and visible and unchanged for the delay', () => {
    expect(isArmed({ visible: false, visibleSince: 0, changedAt: 0 }, 10_000)).toBe(false);
    expect(isArmed({ visible: true, visibleSince: 1000, changedAt: 0 }, 1000 + ARM_DELAY_MS - 1)).toBe(false);
    expect(isArmed({ visible: true, visibleSince: 1000, changedAt: 0 }, 1000 + ARM_DELAY_MS)).toBe(true);
    expect(isArmed({ visible: true, visibleSince: 0, changedAt: 5000 }, 5000 + ARM_DELAY_MS / 2)).toBe(false);
  });
});

describe('per-site enrolment', () => {
  it('one database per asking origin, and a valid consent record of the person themselves', () => {
    expect(siteDatabaseName('https://a.example')).not.toBe(siteDatabaseName('https://b.example'));
    const consent = selfConsent(' Ada ', 'https://shop.example', 0, 1_000);
    expect(consentProblems(consent, 2_000)).toEqual([]);
    expect(consent.subjectName).toBe('Ada');
    expect(consent.purposeDetail).toContain('https://shop.example');
    expect(consent.retention).toEqual({ kind: 'days', days: 30 });
  });
});
