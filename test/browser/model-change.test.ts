// Names survive a model change, on the real facade and real photos: a gallery enrolled by one embedding set-up and
// opened by another (the pre-processing differs, so the model id does) keeps the person's name, consent and
// retention, says they need re-enrolling, never compares their old templates (they are not recognised), and
// recognises them again once photos are added by the running model.
import { describe, expect, inject, it } from 'vitest';
import { waitForApp } from './browser';
import { harnessSuite } from './suite';

const harness = harnessSuite();

describe('a model change', () => {
  it('keeps names, asks for re-enrolment, and compares no template across models', async () => {
    const result = await harness.page.evaluate(async () => {
      const photo = window.facelocal.facePhoto;
      const consent = window.facelocal.consentFor('Barack Obama');
      const before = await window.facelocal.openMatcher({ databaseName: 'model-change' });
      const enrolled = await before.enrol({ name: 'Barack Obama', consent }, [
        await photo('obama/obama1.jpg'),
        await photo('obama/obama2.jpg'),
      ]);
      const knownBefore = (await before.identify(await photo('obama/obama3.jpg'))).faces[0].match.kind;
      const oldModel = before.info.embedderModel;
      before.close();

      // The same gallery, opened by another embedding set-up (mirror-averaged embeddings: another model id).
      const after = await window.facelocal.openMatcher({
        databaseName: 'model-change',
        embedderTuning: { flipAverage: true },
      });
      const [person] = await after.listPeople();
      const unknownAfter = (await after.identify(await photo('obama/obama3.jpg'))).faces[0].match.kind;
      await after.addPhotos(person.id, [await photo('obama/obama.jpg'), await photo('obama/obama1.jpg')], {
        onlyIfAlike: true,
      });
      const [readded] = await after.listPeople();
      const knownAgain = (await after.identify(await photo('obama/obama3.jpg'))).faces[0].match.kind;
      return {
        expiresAt: enrolled.person!.expiresAt,
        oldModel,
        newModel: after.info.embedderModel,
        person,
        readded,
        knownBefore,
        unknownAfter,
        knownAgain,
      };
    });
    expect(result.newModel).not.toBe(result.oldModel);
    expect(result.knownBefore).toBe('known');
    // Name, consent and retention kept; re-enrolment asked for, naming the model the photos came from.
    expect(result.person).toMatchObject({
      name: 'Barack Obama',
      templateCount: 2,
      expiresAt: result.expiresAt,
      reenrol: { fromModels: [result.oldModel] },
    });
    expect(result.person.consent.subjectName).toBe('Barack Obama');
    // The old templates are not compared with the new model's embeddings: not recognised until re-enrolled.
    expect(result.unknownAfter).toBe('unknown');
    expect(result.readded).toMatchObject({ templateCount: 4, reenrol: null });
    expect(result.knownAgain).toBe('known');
    expect(harness.offOriginRequests()).toEqual([]);
  });

  it("the app's People tab says who needs re-enrolling, and keeps their name", async () => {
    // Enrolled into the app's own gallery by another embedding set-up, then opened by the app (the default one).
    const oldModel = await harness.page.evaluate(async () => {
      const m = await window.facelocal.openMatcher({ embedderTuning: { flipAverage: true } });
      await m.enrol({ name: 'Kit Harington', consent: window.facelocal.consentFor('Kit Harington') }, [
        await window.facelocal.facePhoto('kit_harington/john1.jpeg'),
      ]);
      const model = m.info.embedderModel;
      m.close();
      return model;
    });
    const page = harness.page;
    await page.goto(inject('baseUrl'));
    await waitForApp(page);
    await page.click('[data-testid=tab-people]');
    const card = page.locator('[data-testid=person][data-name="Kit Harington"]');
    await card.waitFor();
    const notice = await card.locator('[data-testid=person-reenrol]').innerText();
    expect(notice).toMatch(/Needs re-enrolling/);
    expect(notice).toContain(oldModel);
    expect(harness.offOriginRequests()).toEqual([]);
  });
});
