// Consent receipts: the Kantara CR v1.1 fields from the consent record, a stable id, and a printable page that
// says the same and cannot be made to run anything.
import { describe, expect, it } from 'vitest';
import { buildConsentReceipt, receiptId, RECEIPT_VERSION } from '../../src/core/consent-receipt';
import type { ConsentRecord } from '../../src/core/consent';

const GIVEN = Date.UTC(2026, 10, 24, 10, 30);
const consent: ConsentRecord = {
  subjectName: 'Ada <Lovelace>',
  givenAt: GIVEN,
  purpose: 'identify-at-event',
  purposeDetail: 'Open day, 3 Dec',
  method: 'typed-signature',
  signature: 'Ada <Lovelace>',
  retention: { kind: 'days', days: 30 },
  collectedBy: 'Events team',
};
const subject = { personId: 'p-1', name: 'Ada', consent, thumbnailsKept: true };

describe('consent receipt', () => {
  it('fills the Kantara CR v1.1 fields from the consent record', async () => {
    const { json, receiptId: id } = await buildConsentReceipt(subject, 'given', GIVEN, 'https://faces.example/#data');
    expect(json).toMatchObject({
      version: RECEIPT_VERSION,
      consentTimestamp: Math.floor(GIVEN / 1000),
      consentReceiptID: id,
      piiPrincipalId: 'Ada <Lovelace>',
      piiControllers: [{ piiController: 'Events team' }],
      policyUrl: 'https://faces.example/#data',
      sensitive: true,
    });
    expect(json.collectionMethod).toMatch(/signed by typing their name/);
    const [purpose] = json.services[0].purposes;
    expect(purpose).toMatchObject({
      purpose: 'Recognise this person in photos taken at an event: Open day, 3 Dec',
      consentType: 'EXPLICIT',
      thirdPartyDisclosure: false,
      primaryPurpose: true,
    });
    expect(purpose.piiCategory.join(' ')).toMatch(/face template.*name.*consent record.*face thumbnail/);
    expect(purpose.termination).toMatch(/Erased automatically on 2026-12-24 \(30 days after consent\)/);
    expect(json.spiCat[0]).toMatch(/biometric/);
    expect(json['x-facelocal']).toMatchObject({
      event: 'given',
      personId: 'p-1',
      retentionEndsAt: GIVEN + 30 * 86_400_000,
    });
    expect(json['x-facelocal'].howToWithdraw).toMatch(/Withdraw consent/);
  });

  it('leaves thumbnails out of the categories when none are kept', async () => {
    const { json } = await buildConsentReceipt({ ...subject, thumbnailsKept: false }, 'given', GIVEN, 'x');
    expect(json.services[0].purposes[0].piiCategory.join(' ')).not.toMatch(/thumbnail/);
  });

  it('has an id that is the same when issued again, and differs per event', async () => {
    const a = await receiptId('p-1', 'given', GIVEN);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await receiptId('p-1', 'given', GIVEN)).toBe(a);
    expect(await receiptId('p-1', 'withdrawn', GIVEN + 1)).not.toBe(a);
    expect(await receiptId('p-2', 'given', GIVEN)).not.toBe(a);
  });

  it('a withdrawal receipt says when, and the page escapes what people typed', async () => {
    const at = GIVEN + 86_400_000;
    const { json, html } = await buildConsentReceipt(subject, 'withdrawn', at, 'x');
    expect(json.consentTimestamp).toBe(Math.floor(at / 1000));
    expect(json.services[0].purposes[0].termination).toBe(
      'Consent withdrawn on 2026-11-25: everything above was erased then.',
    );
    expect(html).toContain('<h1>Receipt: consent withdrawn</h1>');
    expect(html).toContain('Ada &lt;Lovelace&gt; (enrolled as Ada)');
    expect(html).not.toContain('<Lovelace>');
    expect(html).toContain(json.consentReceiptID);
    expect(html).not.toMatch(/<script|src=|href=/i);
  });
});
