// The UI's own events, one class each, registered in HTMLElementEventMap so listeners get the payload typed
// (`@photos-selected=${(e: PhotosSelectedEvent) => …}`) instead of re-typing a CustomEvent's detail inline.

/** Photos picked, dropped or taken with the camera (photo-picker). Crosses shadow roots. */
export class PhotosSelectedEvent extends Event {
  static readonly type = 'photos-selected';
  constructor(readonly files: File[]) {
    super(PhotosSelectedEvent.type, { bubbles: true, composed: true });
  }
}

/** A person was renamed, changed, restricted or removed (person-card): the list reloads. */
export class PersonChangedEvent extends Event {
  static readonly type = 'person-changed';
  constructor() {
    super(PersonChangedEvent.type, { bubbles: true, composed: true });
  }
}

/** Encryption was turned on (data-panel): the app asks for the passphrase from now on. */
export class EncryptionChangedEvent extends Event {
  static readonly type = 'encryption-changed';
  constructor() {
    super(EncryptionChangedEvent.type, { bubbles: true, composed: true });
  }
}

/** "Lock now" (data-panel): the app locks the gallery in every tab. */
export class LockRequestedEvent extends Event {
  static readonly type = 'lock-requested';
  constructor() {
    super(LockRequestedEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'photos-selected': PhotosSelectedEvent;
    'person-changed': PersonChangedEvent;
    'encryption-changed': EncryptionChangedEvent;
    'lock-requested': LockRequestedEvent;
  }
}
