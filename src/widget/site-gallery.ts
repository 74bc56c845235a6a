// One asking site's enrolment, in the widget. Each host origin gets its own IndexedDB database, inside whatever
// storage partition the browser gives the widget (a partitioned frame, or Facelocal's own first-party storage in
// its window), so nothing one site's check uses or reveals can be linked to another's. It holds at most one
// person: "the person who enrolled here", and verify is a 1:1 check against them, never a search.
import {
  FacelocalError,
  RETENTION_PRESETS,
  openMatcher,
  type ConsentRecord,
  type EnrolResult,
  type Matcher,
  type Person,
  type PhotoInput,
} from '../index';

export type SiteStatus = { kind: 'locked' } | { kind: 'empty' } | { kind: 'enrolled'; person: Person };

export function siteDatabaseName(origin: string): string {
  return `facelocal-site:${origin}`;
}

/** The consent record of a person enrolling themselves for one site, from the widget. */
export function selfConsent(name: string, origin: string, retentionIndex: number, now = Date.now()): ConsentRecord {
  return {
    subjectName: name.trim(),
    givenAt: now,
    purpose: 'other',
    purposeDetail: `Confirm that it is me when ${origin} asks, through the Facelocal widget; compared on this device only.`,
    method: 'checkbox',
    retention: (RETENTION_PRESETS[retentionIndex] ?? RETENTION_PRESETS[0]).period,
    collectedBy: `Myself, in the Facelocal widget for ${origin}`,
  };
}

export class SiteGallery {
  private constructor(
    readonly origin: string,
    private readonly matcher: Matcher,
  ) {}

  /** Loads the models and opens this site's gallery; 'model-load-failed' and storage errors reject. */
  static async open(origin: string, options: { idbFactory?: IDBFactory } = {}): Promise<SiteGallery> {
    return new SiteGallery(origin, await openMatcher({ databaseName: siteDatabaseName(origin), ...options }));
  }

  async status(): Promise<SiteStatus> {
    if (this.matcher.encryption.locked) return { kind: 'locked' };
    const [person] = (await this.matcher.listPeople()).filter((p) => !p.restriction);
    return person ? { kind: 'enrolled', person } : { kind: 'empty' };
  }

  async enrol(name: string, retentionIndex: number, photos: PhotoInput[]): Promise<EnrolResult> {
    if ((await this.status()).kind !== 'empty')
      throw new FacelocalError('busy', 'Someone is already enrolled for this site here: erase that first.');
    return this.matcher.enrol({ name, consent: selfConsent(name, this.origin, retentionIndex) }, photos);
  }

  private async person(): Promise<Person> {
    const status = await this.status();
    if (status.kind === 'locked') throw new FacelocalError('locked', 'This gallery is locked.');
    if (status.kind === 'empty') throw new FacelocalError('person-not-found', 'Nobody is enrolled for this site here.');
    return status.person;
  }

  async verify(photo: PhotoInput): Promise<boolean> {
    return (await this.matcher.verifyPerson((await this.person()).id, photo, { forOrigin: this.origin })).matched;
  }

  /** The id this site knows the person by (audited with the origin). */
  async reveal(): Promise<string> {
    return this.matcher.revealIdTo((await this.person()).id, this.origin);
  }

  async exportData(): Promise<Blob> {
    return this.matcher.exportPerson((await this.person()).id);
  }

  /** The person withdraws: everything this site's enrolment holds is erased. */
  async erase(): Promise<void> {
    await this.matcher.withdrawConsent((await this.person()).id);
  }

  async auditLog() {
    return this.matcher.auditLog();
  }

  close(): Promise<void> {
    return this.matcher.close();
  }
}
