// Consent receipts from the gallery's own records (core/consent-receipt.ts builds them): one source for the receipt
// and the export, so they always agree.
import { buildConsentReceipt, type ConsentReceipt, type ReceiptEvent } from '../core/consent-receipt';
import type { GalleryStore, PersonRecord } from '../store/gallery-store';

/** Where the receipt points for the full policy: the app's "What Facelocal stores and why" page, on this device. */
function policyUrl(): string {
  return new URL(`${import.meta.env.BASE_URL}#data`, self.location.href).href;
}

export async function receiptFor(
  store: GalleryStore,
  person: PersonRecord,
  event: ReceiptEvent,
  at: number,
): Promise<ConsentReceipt> {
  const templates = await store.templatesOf(person.id);
  const thumbnailsKept = templates.some((t) => t.thumbnail !== null);
  return buildConsentReceipt(
    { personId: person.id, name: person.name, consent: person.consent, thumbnailsKept },
    event,
    event === 'given' ? person.consent.givenAt : at,
    policyUrl(),
  );
}
