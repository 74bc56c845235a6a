/** Saves a Blob as a file on this device (a download; nothing is uploaded). */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function fileSafe(name: string): string {
  return name.replace(/[^\p{L}\p{N}_-]+/gu, '-').replace(/^-|-$/g, '') || 'person';
}

/** Saves a consent receipt both ways: the printable page and the machine-readable JSON, under its receipt id. */
export function saveReceipt(receipt: { receiptId: string; json: object; html: string }, name: string): string[] {
  const base = `facelocal-receipt-${fileSafe(name)}-${receipt.receiptId.slice(0, 8)}`;
  saveFile(new Blob([receipt.html], { type: 'text/html' }), `${base}.html`);
  saveFile(new Blob([JSON.stringify(receipt.json, null, 1)], { type: 'application/json' }), `${base}.json`);
  return [`${base}.html`, `${base}.json`];
}
