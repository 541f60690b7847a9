import { ConcurrentModificationError } from '../../domain/sales/reservation.errors';

/**
 * Runs `decide` (read a reservation, change it, save it) and, when its save lost the race to
 * a concurrent change (a cancel, a payment's webhook, the sweeper), runs it once more on what
 * was saved. Once is enough for one contender; a second loss is answered as 409.
 */
export async function decideAgainOnConflict<T>(decide: () => Promise<T>): Promise<T> {
  try {
    return await decide();
  } catch (error) {
    if (error instanceof ConcurrentModificationError) return decide();
    throw error;
  }
}
