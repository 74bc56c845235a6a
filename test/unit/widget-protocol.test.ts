import { describe, expect, it } from 'vitest';
import { frameAncestors, isAllowedOrigin, parseRequest, parseWidgetConfig } from '../../src/widget/widget-protocol';

describe('widget protocol', () => {
  const config = parseWidgetConfig({ allowedOrigins: ['https://shop.example', 'not an origin', 'https://x.example/path', 42] });

  it('keeps only real origins in the allow-list', () => {
    expect(config.allowedOrigins).toEqual(['https://shop.example']);
    expect(parseWidgetConfig(null)).toEqual({ allowedOrigins: [] });
    expect(parseWidgetConfig({ allowedOrigins: 'https://a.example' })).toEqual({ allowedOrigins: [] });
  });

  it('allows exactly the listed origins (not subdomains, other schemes or "null")', () => {
    expect(isAllowedOrigin('https://shop.example', config)).toBe(true);
    expect(isAllowedOrigin('http://shop.example', config)).toBe(false);
    expect(isAllowedOrigin('https://evil.shop.example', config)).toBe(false);
    expect(isAllowedOrigin('null', parseWidgetConfig({ allowedOrigins: ['null'] }))).toBe(false);
  });

  it('accepts only well-formed requests', () => {
    expect(parseRequest({ type: 'facelocal:request', id: 'a', kind: 'verify', reason: 'pay' })).toEqual({ type: 'facelocal:request', id: 'a', kind: 'verify', reason: 'pay' });
    expect(parseRequest({ type: 'facelocal:request', id: 'a', kind: 'export' })).toBeNull();
    expect(parseRequest({ type: 'facelocal:request', id: '', kind: 'verify' })).toBeNull();
    expect(parseRequest({ type: 'other', id: 'a', kind: 'verify' })).toBeNull();
    expect(parseRequest('verify')).toBeNull();
    // extra fields a host might add are dropped, not passed on
    expect(parseRequest({ type: 'facelocal:request', id: 'a', kind: 'identify', give: 'me everything' })).toEqual({ type: 'facelocal:request', id: 'a', kind: 'identify' });
  });

  it('frames only for itself and the allowed hosts', () => {
    expect(frameAncestors(config)).toBe("frame-ancestors 'self' https://shop.example");
  });
});
