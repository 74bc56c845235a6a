// The UI's own events, one class each, registered in HTMLElementEventMap so listeners get the payload typed
// (`@photos-selected=${(e: PhotosSelectedEvent) => …}`) instead of re-typing a CustomEvent's detail inline.
import type { ConsentRecord, LiveFrameResult } from '../index';

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

// A photo-library group's actions (import-group), handled by the import panel, which owns the import.

/** A group's checkbox, for merging. */
export class GroupSelectedEvent extends Event {
  static readonly type = 'group-selected';
  constructor(
    readonly groupId: string,
    readonly selected: boolean,
  ) {
    super(GroupSelectedEvent.type, { bubbles: true, composed: true });
  }
}

/** Faces moved out of a group: into another group, a new one ('new') or none (null). */
export class MoveFacesEvent extends Event {
  static readonly type = 'move-faces';
  constructor(
    readonly faceIds: string[],
    readonly to: string | 'new' | null,
  ) {
    super(MoveFacesEvent.type, { bubbles: true, composed: true });
  }
}

export class SplitGroupEvent extends Event {
  static readonly type = 'split-group';
  constructor(readonly groupId: string) {
    super(SplitGroupEvent.type, { bubbles: true, composed: true });
  }
}

/** "Add these faces to" someone already enrolled. */
export class AddGroupToEvent extends Event {
  static readonly type = 'add-group-to';
  constructor(
    readonly groupId: string,
    readonly personId: string,
  ) {
    super(AddGroupToEvent.type, { bubbles: true, composed: true });
  }
}

/** A group named, with the person's consent: enrols them. */
export class EnrolGroupEvent extends Event {
  static readonly type = 'enrol-group';
  constructor(
    readonly groupId: string,
    readonly person: { name: string; consent: ConsentRecord },
  ) {
    super(EnrolGroupEvent.type, { bubbles: true, composed: true });
  }
}

/** A "Same person?" question answered (same-person-questions): the groups change. */
export class AnsweredEvent extends Event {
  static readonly type = 'answered';
  constructor(readonly same: boolean) {
    super(AnsweredEvent.type, { bubbles: true, composed: true });
  }
}

/** A face the detector missed, added by drawing its box (missed-face). */
export class FaceAddedEvent extends Event {
  static readonly type = 'face-added';
  constructor(readonly faceId: string) {
    super(FaceAddedEvent.type, { bubbles: true, composed: true });
  }
}

/** One camera frame processed (live-camera); a CustomEvent, so benchmarks read `detail` without importing this. */
export class LiveFrameEvent extends CustomEvent<LiveFrameResult> {
  static readonly type = 'live-frame';
  constructor(result: LiveFrameResult) {
    super(LiveFrameEvent.type, { detail: result });
  }
}

declare global {
  interface HTMLElementEventMap {
    'live-frame': LiveFrameEvent;
    answered: AnsweredEvent;
    'face-added': FaceAddedEvent;
    'group-selected': GroupSelectedEvent;
    'move-faces': MoveFacesEvent;
    'split-group': SplitGroupEvent;
    'add-group-to': AddGroupToEvent;
    'enrol-group': EnrolGroupEvent;
    'photos-selected': PhotosSelectedEvent;
    'person-changed': PersonChangedEvent;
    'encryption-changed': EncryptionChangedEvent;
    'lock-requested': LockRequestedEvent;
  }
}
