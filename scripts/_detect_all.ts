import { readdirSync } from 'node:fs';
import { launchBrowser, openHarness, FACES_DIR } from '../test/browser/browser';
import { startPreview } from '../test/browser/preview-server';
const server = await startPreview();
const browser = await launchBrowser();
const h = await openHarness(browser, server.url);
h.page.on('console', (m) => { if (m.text().startsWith('RESIDUAL')) console.log(m.text()); });
const files = ['_group', '_noface'].flatMap((d) => readdirSync(`${FACES_DIR}/${d}`).map((f) => `${d}/${f}`));
const r = await h.page.evaluate(async (files) => {
  const m = await window.facelocal.openMatcher({ databaseName: 'x' });
  const out: string[] = [];
  for (const f of files) {
    const blob = await (await fetch('/__faces/' + f)).blob();
    try { const d = await m.embedFaces(blob); out.push(`${f} ${d.width}x${d.height} faces=${d.faces.length} ${d.faces.map((x) => `[${Math.round(x.box.x)},${Math.round(x.box.y)},${Math.round(x.box.width)}x${Math.round(x.box.height)} ${x.detectionScore.toFixed(2)}]`).join(' ')}`); }
    catch (e) { out.push(`${f} ERR ${(e as Error).message}`); }
  }
  return out;
}, files);
console.log(r.join('\n'));
await browser.close(); await server.close();
