// What the benchmark and calibration share with the product: which face of an identity photo is its subject, and
// the 1:N decision the app applies (src/core/identity-rule.ts with the shipped calibration-data.json).
import calibration from '../src/core/calibration-data.json';
import type { ShippedCalibration } from '../src/core/calibration';
import {
  decideIdentityVerdict,
  identificationThresholds,
  type IdentificationThresholds,
} from '../src/core/identity-rule';
import type { EmbedOutcome, EmbeddedFaceRecord } from './embed-photos';
import type { DecisionRule } from './open-set';

/** The subject of an identity photo is its largest face (LFW centres the labelled person; others may appear). */
export function subjectFace(outcome: EmbedOutcome | undefined): EmbeddedFaceRecord | null {
  if (!outcome || 'error' in outcome || outcome.faces.length === 0) return null;
  return outcome.faces.reduce((a, b) => (a.box.width * a.box.height >= b.box.width * b.box.height ? a : b));
}

/** The app's rule for a calibration: thresholds depend on how many templates the gallery holds. */
export function ruleFor(shipped: ShippedCalibration): DecisionRule {
  const byTemplates = new Map<number, IdentificationThresholds>();
  return (best, templates) => {
    let thresholds = byTemplates.get(templates);
    if (!thresholds)
      byTemplates.set(
        templates,
        (thresholds = identificationThresholds(
          shipped.strangerTails,
          { ...shipped.identification, verifyThreshold: shipped.threshold },
          templates,
        )),
      );
    return decideIdentityVerdict(
      best.person >= 0 ? { personId: String(best.person), score: best.score } : undefined,
      thresholds,
    ).kind;
  };
}

export function shippedIdentificationRule(): DecisionRule {
  return ruleFor(calibration as ShippedCalibration);
}
