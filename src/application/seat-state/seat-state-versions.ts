/**
 * Versions of a performance's seat state are `epoch × EPOCH_SPAN + n`: a rebuilt state starts
 * at the first version of a new epoch, which MySQL hands out (one row per performance, written
 * only by rebuilds, never by the claim of a seat). So a version is strictly greater than any
 * version handed out before, even when Redis lost every counter, and the first life of a
 * performance counts 1, 2, 3… With 2^32 changes per epoch and 2^21 epochs every version stays
 * below 2^53, an exact JavaScript number.
 */
export const EPOCH_SPAN = 2 ** 32;
const MAX_EPOCH = 2 ** 21 - 1;

export function firstVersionOf(epoch: number): number {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > MAX_EPOCH) throw new RangeError(`Bad seat-state epoch ${epoch}`);
  return epoch * EPOCH_SPAN + 1;
}

export function epochOf(version: number): number {
  return Math.floor((version - 1) / EPOCH_SPAN);
}
