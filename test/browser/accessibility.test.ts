// Accessibility (axe-core, in the page) and a phone-sized layout, on every tab of the app.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { appSuite } from './suite';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TABS = ['people', 'import', 'identify', 'verify', 'self-check', 'data'];

const app = appSuite({ viewport: { width: 360, height: 740 } });

beforeAll(async () => {
  // Evaluated through the debugger protocol, so the page's CSP (rightly) does not apply to the test tool.
  await app.page.evaluate(axeSource);
});

describe('accessibility and phone layout', () => {
  for (const tab of TABS) {
    it(`"${tab}" has no serious or critical axe violations and fits a 360-px screen`, async () => {
      await app.page.click(`[data-testid=tab-${tab}]`);
      await app.page.waitForTimeout(100);
      const violations = await app.page.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: {
              run: (
                ctx: unknown,
                opts: unknown,
              ) => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }>;
            };
          }
        ).axe;
        const result = await axe.run(document, { resultTypes: ['violations'] });
        return result.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`);
      });
      expect(violations).toEqual([]);
      const overflow = await app.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    });
  }
});
