// Consent, retention, erasure, access and portability, self-check, rectification, encryption at rest and the
// audit log, each through the real app (real IndexedDB, real photos) in Chromium. Each test would fail if its
// point broke; storage is read directly, not through the app.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { facePath, giveConsent, readDeviceStorage, waitForApp } from './browser';
import { pageSuite } from './suite';

const app = pageSuite();
const DAY_MS = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  // A controllable clock (it runs normally until a test moves it), for retention.
  await app.page.clock.install();
  await app.page.goto(inject('baseUrl'));
  await waitForApp(app.page);
  // Let the service worker finish caching the app first, so cache snapshots below are stable.
  await app.page.locator('[data-testid=offline-ready]').waitFor({ timeout: 120_000 });
});

const tab = (name: string) => app.page.click(`[data-testid=tab-${name}]`);
const card = (name: string) => app.page.locator(`[data-testid=person][data-name="${name}"]`);

async function enrol(name: string, photos: string[], retentionPreset = '0') {
  await tab('people');
  await app.page.fill('[data-testid=person-name]', name);
  await app.page.setInputFiles('[data-testid=person-photos]', photos.map(facePath));
  await giveConsent(app.page, retentionPreset);
  await app.page.click('[data-testid=enrol-submit]');
  await card(name).waitFor({ timeout: 60_000 });
}

async function personId(name: string): Promise<string> {
  await tab('people');
  return (await card(name).getAttribute('data-person-id'))!;
}

async function auditActions(): Promise<string[]> {
  await tab('data');
  await app.page.locator('[data-testid=audit-log][data-loaded=true]').waitFor();
  return Promise.all(
    (await app.page.locator('[data-testid=audit-entry]').all()).map(
      (e) => e.getAttribute('data-action') as Promise<string>,
    ),
  );
}

async function download(click: () => Promise<void>): Promise<string> {
  const [file] = await Promise.all([app.page.waitForEvent('download'), click()]);
  return readFileSync((await file.path())!, 'utf8');
}

describe('consent (no lawful basis → no enrolment)', () => {
  it('the UI refuses to enrol without a complete consent record, and nothing is stored', async () => {
    await tab('people');
    await app.page.fill('[data-testid=person-name]', 'Kit Harington');
    await app.page.setInputFiles('[data-testid=person-photos]', [facePath('kit_harington/john1.jpeg')]);
    await app.page.click('[data-testid=enrol-submit]'); // no consent given
    await app.page.locator('[data-testid=consent-problems]').waitFor();
    expect(await app.page.locator('[data-testid=message]').getAttribute('data-code')).toBe('consent-required');
    const storage = await readDeviceStorage(app.page);
    expect(storage.stores['facelocal/people']).toEqual([]);
    expect(storage.stores['facelocal/templates']).toEqual([]);
  });

  it('a typed signature must match the person', async () => {
    await app.page.selectOption('[data-testid=consent-retention]', '1'); // 1 year: outlives the retention tests below
    await app.page.selectOption('[data-testid=consent-method]', 'typed-signature');
    await app.page.fill('[data-testid=consent-signature]', 'Someone Else');
    await app.page.fill('[data-testid=consent-collected-by]', 'Test Operator');
    await app.page.check('[data-testid=consent-attest]');
    await app.page.click('[data-testid=enrol-submit]');
    expect(await app.page.locator('[data-testid=consent-problems]').textContent()).toMatch(/signature must match/);
    await app.page.fill('[data-testid=consent-signature]', 'kit harington');
    await app.page.click('[data-testid=enrol-submit]');
    await card('Kit Harington').waitFor({ timeout: 60_000 });
    expect(await card('Kit Harington').locator('[data-testid=person-expiry]').textContent()).toMatch(
      /erased in 365 days/,
    );
  });
});

describe('retention (no indefinite keeping)', () => {
  it('erases a person whose retention ended, on the timer while the app runs', async () => {
    await enrol('Rose Leslie', ['rose_leslie/img1.jpg']); // 30 days
    await enrol('Barack Obama', ['obama/obama.jpg', 'obama/obama1.jpg'], '2'); // until withdrawn
    const roseId = await personId('Rose Leslie');
    await app.page.clock.fastForward(31 * DAY_MS); // fires the minute timer once, 31 days on
    await card('Rose Leslie').waitFor({ state: 'detached', timeout: 15_000 });
    const storage = await readDeviceStorage(app.page);
    // Only the audit log may still hold the random id (to show that an expiry happened); nothing else of her.
    expect(JSON.stringify([storage.stores['facelocal/people'], storage.stores['facelocal/templates']])).not.toContain(
      roseId,
    );
    expect(storage.text).not.toContain('Rose Leslie');
    await card('Barack Obama').waitFor(); // kept until withdrawn
    expect(await auditActions()).toContain('expire');
  });

  it('erases expired people when the app opens', async () => {
    await enrol('Angelina', ['angelina/img2.jpg']); // 30 days from the clock's now
    await app.page.clock.setSystemTime(Date.now() + 62 * DAY_MS); // no timer fired; the app is closed and reopened
    await app.page.reload();
    await waitForApp(app.page);
    await tab('people');
    await app.page.locator('[data-testid=people-list]').waitFor();
    expect(await card('Angelina').count()).toBe(0);
    expect((await readDeviceStorage(app.page)).text).not.toContain('Angelina');
  });

  it('extending needs a fresh consent record, and moves the expiry', async () => {
    await tab('people');
    const before = Number(
      await card('Kit Harington').locator('[data-testid=person-expiry]').getAttribute('data-expires-at'),
    );
    await card('Kit Harington').locator('[data-testid=consent]').click();
    await card('Kit Harington').locator('[data-testid=consent-save]').click(); // not yet attested
    expect(await card('Kit Harington').locator('[data-testid=consent-problems]').count()).toBe(1);
    await card('Kit Harington').locator('[data-testid=consent-retention]').selectOption('1'); // a year from today (62 days on)
    await card('Kit Harington').locator('[data-testid=consent-method]').selectOption('checkbox');
    await card('Kit Harington').locator('[data-testid=consent-collected-by]').fill('Test Operator');
    await card('Kit Harington').locator('[data-testid=consent-attest]').check();
    await card('Kit Harington').locator('[data-testid=consent-save]').click();
    await expect
      .poll(
        async () =>
          Number(await card('Kit Harington').locator('[data-testid=person-expiry]').getAttribute('data-expires-at')),
        { timeout: 10_000 },
      )
      .toBeGreaterThan(before + 60 * DAY_MS);
  });
});

describe('access, portability and rectification', () => {
  it('exports one person: consent record, templates as numbers, metadata and thumbnail', async () => {
    await tab('people');
    const json = JSON.parse(await download(() => card('Barack Obama').locator('[data-testid=export-person]').click()));
    expect(json.format).toBe('facelocal-gallery');
    expect(json.people).toHaveLength(1);
    const [p] = json.people;
    expect(p.name).toBe('Barack Obama');
    expect(p.consent).toMatchObject({
      subjectName: 'Barack Obama',
      collectedBy: 'Test Operator',
      retention: { kind: 'until-withdrawn' },
    });
    expect(p.templates).toHaveLength(2);
    expect(p.templates[0].embedding).toHaveLength(512);
    expect(Math.hypot(...p.templates[0].embedding)).toBeCloseTo(1, 3);
    expect(p.templates.map((t: { sourceName: string }) => t.sourceName).sort()).toEqual(['obama.jpg', 'obama1.jpg']);
    expect(Buffer.from(p.templates[0].thumbnail.base64, 'base64').subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });

  it('removes one bad photo from a person', async () => {
    await tab('people');
    await card('Barack Obama').locator('[data-testid=photos]').click();
    await card('Barack Obama').locator('[data-testid=remove-photo]').first().click();
    await app.page
      .locator('[data-testid=person][data-name="Barack Obama"] [data-testid=person-template-count]', {
        hasText: '1 photo',
      })
      .waitFor();
  });

  it('imports a valid export and refuses a bad one with a clear message, changing nothing', async () => {
    await tab('data');
    const exported = await download(() => app.page.click('[data-testid=export-gallery]'));
    const before = await readDeviceStorage(app.page);
    const bad = JSON.parse(exported);
    bad.people[0].templates[0].embedding = bad.people[0].templates[0].embedding.slice(0, 10);
    await app.page.setInputFiles('[data-testid=import-file]', {
      name: 'bad.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(bad)),
    });
    await app.page.locator('[data-testid=message][data-code=invalid-template]').waitFor();
    expect(await app.page.locator('[data-testid=message]').textContent()).toMatch(/nothing was changed.*512 numbers/);
    const after = await readDeviceStorage(app.page);
    expect(after.stores['facelocal/people']).toEqual(before.stores['facelocal/people']);
    expect(after.stores['facelocal/templates']).toEqual(before.stores['facelocal/templates']);
    await app.page.setInputFiles('[data-testid=import-file]', {
      name: 'gallery.json',
      mimeType: 'application/json',
      buffer: Buffer.from(exported),
    });
    expect(await app.page.locator('[data-testid=data-info]').textContent()).toMatch(/Imported 2 people/);
  });
});

describe('self-check (no more photos asked, nothing kept)', () => {
  it('answers from a selfie and writes nothing at all', async () => {
    const before = await readDeviceStorage(app.page);
    await tab('self-check');
    await app.page.setInputFiles('[data-testid=self-check-photo]', facePath('obama/obama3.jpg'));
    const result = app.page.locator('[data-testid=self-check-result]');
    await result.waitFor({ timeout: 60_000 });
    expect(await result.getAttribute('data-found')).toBe('true');
    expect(await result.textContent()).toMatch(/Barack Obama/);
    await app.page.setInputFiles('[data-testid=self-check-photo]', facePath('raj/raj1.png'));
    await app.page.locator('[data-testid=self-check-result][data-found=false]').waitFor({ timeout: 60_000 });
    const after = await readDeviceStorage(app.page);
    expect(after.text).toBe(before.text);
    expect(after.caches).toEqual(before.caches);
  });
});

describe('withdrawal and erasure', () => {
  it('withdrawing consent erases the person, templates, thumbnails and consent at once', async () => {
    await tab('people');
    await app.page.locator('[data-testid=people-list]').waitFor();
    const ids = await Promise.all(
      (await app.page.locator('[data-testid=person][data-name="Barack Obama"]').all()).map((c) =>
        c.getAttribute('data-person-id'),
      ),
    );
    expect(ids.length).toBe(2); // the original and the imported copy
    for (const row of ids) {
      const c = app.page.locator(`[data-testid=person][data-person-id="${row}"]`);
      await c.locator('[data-testid=withdraw]').click();
      await c.locator('[data-testid=withdraw-confirm]').click();
      await c.waitFor({ state: 'detached' });
    }
    const storage = await readDeviceStorage(app.page);
    expect(storage.text).not.toContain('Barack Obama');
    expect(storage.text).not.toContain('obama');
    for (const id of ids)
      expect(JSON.stringify([storage.stores['facelocal/people'], storage.stores['facelocal/templates']])).not.toContain(
        id,
      );
    const actions = await auditActions();
    expect(actions.filter((a) => a === 'withdraw')).toHaveLength(2);
  });
});

describe('encryption at rest', () => {
  it('encrypts names, consent and templates; a wrong passphrase unlocks nothing; locking hides everything', async () => {
    await tab('data');
    await app.page.fill('[data-testid=new-passphrase]', 'correct horse battery staple');
    await app.page.fill('[data-testid=new-passphrase-again]', 'correct horse battery staple');
    await app.page.click('[data-testid=enable-encryption]');
    await app.page.locator('[data-testid=data-info]', { hasText: 'Encryption is on' }).waitFor({ timeout: 30_000 });
    const storage = await readDeviceStorage(app.page);
    expect(storage.text).not.toContain('Kit Harington');
    expect(storage.text).not.toContain('Test Operator');
    expect(JSON.stringify(storage.stores['facelocal/templates'])).toContain('"kind":"sealed"');

    await app.page.reload();
    await waitForApp(app.page);
    await app.page.locator('[data-testid=lock-screen]').waitFor();
    await app.page.fill('[data-testid=passphrase]', 'wrong horse');
    await app.page.click('[data-testid=unlock]');
    expect(await app.page.locator('[data-testid=unlock-error]').textContent()).toMatch(/Wrong passphrase/);
    expect(await app.page.locator('[data-testid=lock-screen]').count()).toBe(1);
    await app.page.fill('[data-testid=passphrase]', 'correct horse battery staple');
    await app.page.click('[data-testid=unlock]');
    await card('Kit Harington').first().waitFor({ timeout: 30_000 }); // the original and the imported copy

    await app.page.click('[data-testid=lock-app]');
    await app.page.locator('[data-testid=lock-screen]').waitFor();
    expect(await app.page.locator('[data-testid=person]').count()).toBe(0);
  });
});

describe('audit log and transparency', () => {
  it('logs every kind of action without names, and exports it', async () => {
    await app.page.fill('[data-testid=passphrase]', 'correct horse battery staple');
    await app.page.click('[data-testid=unlock]');
    await tab('identify');
    await app.page.setInputFiles('[data-testid=identify-photo]', facePath('kit_harington/john2.jpeg'));
    await app.page.locator('[data-testid=identify-result]').waitFor({ timeout: 60_000 });
    const actions = await auditActions();
    for (const a of [
      'enrol',
      'expire',
      'export',
      'import',
      'remove-photo',
      'consent-updated',
      'withdraw',
      'encryption-enabled',
      'identify',
    ])
      expect(actions, a).toContain(a);
    const csv = await download(() => app.page.click('[data-testid=export-audit]'));
    expect(csv.split('\r\n')[0]).toBe('"time","action","outcome","personId"');
    expect(csv).not.toMatch(/Kit|Harington|Obama|Rose|Angelina/);
  });

  it('says what is stored and why, from the real schema', async () => {
    await tab('data');
    // Each row is one field of the store's schema (shown in words; the field's code name is on the row).
    const fields = await app.page
      .locator('[data-testid=stored-item]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')));
    for (const field of [
      'people.consent',
      'people.expiresAt',
      'templates.embedding',
      'templates.thumbnail',
      'audit.outcome',
    ])
      expect(fields).toContain(field);
  });

  it('erase everything empties every store and cache the app owns', async () => {
    await app.page.evaluate(async () =>
      (await caches.open('facelocal-test-cache')).put('/cached-thing', new Response('x')),
    );
    expect((await readDeviceStorage(app.page)).caches.length).toBeGreaterThan(0);
    await tab('data');
    await app.page.click('[data-testid=erase-everything]');
    await app.page.click('[data-testid=erase-everything-confirm]');
    await app.page.locator('[data-testid=data-info]', { hasText: 'erased' }).waitFor();
    const storage = await readDeviceStorage(app.page);
    for (const [name, rows] of Object.entries(storage.stores)) {
      if (name === 'facelocal/tombstones') continue; // kept on purpose, checked below
      if (name.startsWith('facelocal/')) expect(rows, name).toEqual([]);
    }
    // Only the withdrawals' tombstones remain: a hash, a time and a reason each, nothing personal.
    for (const row of storage.stores['facelocal/tombstones'] as Record<string, unknown>[]) {
      expect(Object.keys(row).sort()).toEqual(['at', 'key', 'reason']);
      expect(row.key).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(storage.caches).toEqual([]);
  });

  it('sent nothing anywhere', () => {
    expect(app.offOriginRequests()).toEqual([]);
    expect(app.requestsWithData()).toEqual([]);
    expect(app.cspViolations).toEqual([]);
    expect(app.pageErrors).toEqual([]);
  });
});
