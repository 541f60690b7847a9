import { Reservation } from '../../domain/sales/reservation';
import { ConcurrentModificationError, SeatsAlreadyClaimedError } from '../../domain/sales/reservation.errors';
import { ReservationRepository } from '../../domain/sales/reservation.repository';
import { EventPublisher } from '../shared/ports/event-publisher';
import { SeatHoldStore } from './ports/seat-hold-store';

/**
 * Lazy expiry: whoever finds an overdue hold expires it. Losing the race to another
 * instance (or the sweeper) is fine: then it is expired already.
 */
export async function expireIfOverdue(
  reservation: Reservation,
  now: Date,
  reservations: ReservationRepository,
  holds: SeatHoldStore,
  events: EventPublisher,
): Promise<boolean> {
  if (!reservation.isOverdue(now)) return false;
  reservation.expire(now);
  try {
    await reservations.save(reservation);
  } catch (error) {
    if (error instanceof ConcurrentModificationError) return false;
    throw error;
  }
  await events.publish(reservation.pullEvents());
  await holds.release(reservation.performanceId, reservation.seatIds, reservation.id);
  return true;
}

/**
 * The holders a refused claim names (MySQL's unique index had the last word), read once:
 * those whose holds ran out own nothing and are expired here; the ones still owning seats
 * are answered, so the caller refuses, or tries its claim again when there are none.
 */
export async function expireLapsedHolders(
  refusal: SeatsAlreadyClaimedError,
  now: Date,
  reservations: ReservationRepository,
  holds: SeatHoldStore,
  events: EventPublisher,
): Promise<Reservation[]> {
  const holders = await reservations.findByIds([...new Set(refusal.holders.values())]);
  const stillActive = holders.filter((holder) => holder.ownsSeats(now));
  for (const holder of holders) await expireIfOverdue(holder, now, reservations, holds, events);
  return stillActive;
}
