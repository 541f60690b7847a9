import type { CheckInSnapshot } from '../../../domain/sales/check-in';
import type { CheckInJson } from '../schemas/ticket.schema';

/** The seat as a gate screen shows it (its label) and as a machine keeps it (its id). */
export function presentCheckIn(checkIn: CheckInSnapshot): CheckInJson {
  return {
    ticketId: checkIn.ticketId,
    performanceId: checkIn.performanceId,
    seat: { id: checkIn.seatId, label: checkIn.label },
    checkedInAt: checkIn.checkedInAt.toISOString(),
  };
}
