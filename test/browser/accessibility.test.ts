// Accessibility (axe-core, in the page) and a phone-sized layout, on every tab of the app.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { appSuite } from './suite';
import { facePath } from './browser';
import { enrolThroughUi } from './live-setup';

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
      const violations = await seriousViolations();
      expect(violations).toEqual([]);
      const overflow = await app.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    });
  }

  it("an answer with a named and an unknown face: the boxes' labels are readable (axe colour contrast)", async () => {
    await enrolThroughUi(app.page, 'Barack Obama', ['obama/obama1.jpg']);
    await app.page.click('[data-testid=tab-identify]');
    await app.page.setInputFiles('[data-testid=identify-photo]', facePath('_group/facerec_obama_and_biden.jpg'));
    await app.page.locator('[data-testid=identify-busy]').waitFor({ state: 'detached', timeout: 60_000 });
    const labels = await Promise.all(
      (await app.page.locator('[data-testid=face-box]').all()).map((b) => b.getAttribute('data-label')),
    );
    expect(labels).toContain('Barack Obama');
    expect(labels).toContain('unknown');
    expect(await seriousViolations()).toEqual([]);
  });
});

/** axe's serious and critical violations on the whole page, as "rule (impact, nodes)". */
async function seriousViolations(): Promise<string[]> {
  return app.page.evaluate(async () => {
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
}
