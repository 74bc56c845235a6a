// The widget page (widget.html), embedded by consent-based sites in an iframe. It answers requests from the
// origins its owner allows (widget-config.json, served beside it), asks the person itself, and posts back only
// the verdict. It never posts an image, a template or anything from the gallery.
import { openMatcher } from '../index';
import { isAllowedOrigin, parseRequest, parseWidgetConfig, type WidgetAnswer, type WidgetConfig } from './widget-protocol';
import './facelocal-verify';

const element = document.querySelector('facelocal-verify')!;

async function loadConfig(): Promise<WidgetConfig> {
  try {
    return parseWidgetConfig(await (await fetch(new URL('widget-config.json', location.href), { cache: 'no-store' })).json());
  } catch {
    return { allowedOrigins: [] }; // no config: nobody may ask
  }
}

function reply(origin: string, answer: WidgetAnswer): void {
  // Always to the exact asking origin, never '*'.
  window.parent.postMessage(answer, origin);
}

async function start(): Promise<void> {
  const config = await loadConfig();
  let requester = '';
  element.addEventListener('facelocal-answer', (e) => reply(requester, (e as CustomEvent<WidgetAnswer>).detail));
  window.addEventListener('message', (event) => {
    if (event.source !== window.parent || window.parent === window) return;
    const request = parseRequest(event.data);
    if (!isAllowedOrigin(event.origin, config)) {
      reply(event.origin, { type: 'facelocal:error', id: request?.id ?? null, error: 'origin-not-allowed' });
      return;
    }
    if (!request) return reply(event.origin, { type: 'facelocal:error', id: null, error: 'bad-request' });
    if (element.busy) return reply(event.origin, { type: 'facelocal:error', id: request.id, error: 'busy' });
    requester = event.origin;
    element.requester = event.origin;
    element.request = request;
  });
  document.documentElement.dataset.widgetListening = 'true';
  try {
    const matcher = await openMatcher();
    element.matcher = matcher;
    document.documentElement.dataset.widgetReady = matcher.encryption.locked ? 'locked' : 'true';
  } catch {
    document.documentElement.dataset.widgetReady = 'false';
  }
  // Tell the host we can take requests (no data: just that we exist).
  window.parent.postMessage({ type: 'facelocal:ready' }, '*');
}

void start();
