// Consent receipts: what the person whose face is enrolled gets to keep. A machine-readable JSON in the structure
// of the Kantara Initiative Consent Receipt Specification v1.1 (the fields ISO/IEC 29184 Annex B and ISO/IEC TS
// 27560 build on), and a printable page saying the same in words. Pure: built from the consent record the gallery
// holds (the very record its export carries), so a receipt and an export always agree; the receipt id is derived
// from the person, the event and its time, so the same receipt can be issued again and compared.
import { CONSENT_PURPOSES, expiryOf, type ConsentRecord } from './consent';

export const RECEIPT_VERSION = 'KI-CR-v1.1.0';

export type ReceiptEvent = 'given' | 'withdrawn';

export interface ReceiptSubject {
  personId: string;
  name: string;
  consent: ConsentRecord;
  /** Whether face thumbnails (images of the face) are kept beside the templates. */
  thumbnailsKept: boolean;
}

/** Kantara CR v1.1 fields, plus one extension object for what the specification has no field for. */
export interface KantaraConsentReceipt {
  version: typeof RECEIPT_VERSION;
  jurisdiction: string;
  /** Seconds since the epoch, as the specification says. */
  consentTimestamp: number;
  collectionMethod: string;
  consentReceiptID: string;
  language: string;
  piiPrincipalId: string;
  piiControllers: { piiController: string; contact: string; address: string; email: string; phone: string }[];
  policyUrl: string;
  services: {
    service: string;
    purposes: {
      purpose: string;
      purposeCategory: string[];
      consentType: 'EXPLICIT';
      piiCategory: string[];
      primaryPurpose: boolean;
      termination: string;
      thirdPartyDisclosure: boolean;
    }[];
  }[];
  sensitive: true;
  spiCat: string[];
  'x-facelocal': {
    event: ReceiptEvent;
    /** Epoch ms of the event: consent given, or withdrawn. */
    eventAt: number;
    consentGivenAt: number;
    retentionEndsAt: number | null;
    howToWithdraw: string;
    whereDataLives: string;
    /** The gallery's person id, as in its export: the same person in both. */
    personId: string;
  };
}

export interface ConsentReceipt {
  receiptId: string;
  json: KantaraConsentReceipt;
  /** A complete printable HTML page (no scripts, no external resources). */
  html: string;
}

const HOW_TO_WITHDRAW =
  'Ask the person who collected your consent (named above) at any time: "Withdraw consent" in Facelocal erases your face data, photos and consent record at once. You can also ask for a copy of your data, or for it to be kept but not used (restriction).';
const WHERE = 'Only in the browser storage of the device where you were enrolled. Nothing is sent to any server.';

/** A stable UUID-shaped id from the person, the event and its time (SHA-256 based, version nibble 8 "custom"). */
export async function receiptId(personId: string, event: ReceiptEvent, at: number): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`facelocal-receipt:v1:${personId}:${event}:${at}`)),
  );
  const hex = Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export async function buildConsentReceipt(
  subject: ReceiptSubject,
  event: ReceiptEvent,
  eventAt: number,
  policyUrl: string,
): Promise<ConsentReceipt> {
  const { consent } = subject;
  const id = await receiptId(subject.personId, event, eventAt);
  const retentionEndsAt = expiryOf(consent);
  const purpose =
    CONSENT_PURPOSES[consent.purpose] + (consent.purposeDetail.trim() ? `: ${consent.purposeDetail.trim()}` : '');
  const categories = [
    'face template (biometric: 512 numbers describing the face)',
    'name',
    'consent record',
    ...(subject.thumbnailsKept ? ['face thumbnail (a small picture of the face)'] : []),
  ];
  const termination =
    retentionEndsAt === null
      ? 'Kept until consent is withdrawn.'
      : `Erased automatically on ${isoDay(retentionEndsAt)} (${consent.retention.kind === 'days' ? consent.retention.days : 0} days after consent), or earlier when consent is withdrawn.`;
  const json: KantaraConsentReceipt = {
    version: RECEIPT_VERSION,
    jurisdiction: 'Not set by Facelocal: the law of where the collector operates applies',
    consentTimestamp: Math.floor((event === 'given' ? consent.givenAt : eventAt) / 1000),
    collectionMethod:
      consent.method === 'typed-signature'
        ? 'In person, signed by typing their name'
        : 'In person, attested by the collector with a checkbox',
    consentReceiptID: id,
    language: 'en',
    piiPrincipalId: consent.subjectName,
    piiControllers: [
      {
        piiController: consent.collectedBy,
        contact: consent.collectedBy,
        address: 'Not recorded by Facelocal',
        email: 'Not recorded by Facelocal',
        phone: 'Not recorded by Facelocal',
      },
    ],
    policyUrl,
    services: [
      {
        service: 'Facelocal face recognition on this device',
        purposes: [
          {
            purpose,
            purposeCategory: [consent.purpose],
            consentType: 'EXPLICIT',
            piiCategory: categories,
            primaryPurpose: true,
            termination:
              event === 'withdrawn'
                ? `Consent withdrawn on ${isoDay(eventAt)}: everything above was erased then.`
                : termination,
            thirdPartyDisclosure: false,
          },
        ],
      },
    ],
    sensitive: true,
    spiCat: ['biometric data for the purpose of uniquely identifying a natural person (GDPR Art. 9(1))'],
    'x-facelocal': {
      event,
      eventAt,
      consentGivenAt: consent.givenAt,
      retentionEndsAt,
      howToWithdraw: HOW_TO_WITHDRAW,
      whereDataLives: WHERE,
      personId: subject.personId,
    },
  };
  return { receiptId: id, json, html: receiptPage(json, subject.name) };
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);

function receiptPage(r: KantaraConsentReceipt, name: string): string {
  const x = r['x-facelocal'];
  const p = r.services[0].purposes[0];
  const title = x.event === 'withdrawn' ? 'Receipt: consent withdrawn' : 'Receipt: consent to face recognition';
  const rows: [string, string][] = [
    ['Receipt id', r.consentReceiptID],
    ['Person', `${r.piiPrincipalId}${name !== r.piiPrincipalId ? ` (enrolled as ${name})` : ''}`],
    ['Collected by', r.piiControllers[0].piiController],
    [x.event === 'withdrawn' ? 'Consent given' : 'When', new Date(x.consentGivenAt).toUTCString()],
    ...(x.event === 'withdrawn' ? [['Consent withdrawn', new Date(x.eventAt).toUTCString()] as [string, string]] : []),
    ['How', r.collectionMethod],
    ['Purpose', p.purpose],
    ['Data kept', p.piiCategory.join('; ')],
    ['Sensitive data', r.spiCat.join('; ')],
    ['How long', p.termination],
    ['Shared with others', 'No one'],
    ['Where it is kept', x.whereDataLives],
    ['How to withdraw', x.howToWithdraw],
    ['Person id in the gallery', x.personId],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:15px/1.45 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem}th{text-align:left;vertical-align:top;padding-right:1rem;white-space:nowrap}td,th{padding-bottom:.5rem}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<p>Keep this page. It records what you agreed to and how to change your mind. A machine-readable copy (Kantara Consent Receipt ${escapeHtml(r.version)}) has the same receipt id.</p>
<table>${rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
</body></html>
`;
}
