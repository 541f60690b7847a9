import { MemberRepository } from '../../src/domain/identity/member.repository';
import { PerformanceRepository } from '../../src/domain/catalog/performance.repository';
import { CheckInRepository } from '../../src/domain/sales/check-in.repository';
import { Reservation } from '../../src/domain/sales/reservation';
import { ReservationRepository } from '../../src/domain/sales/reservation.repository';
import { AlreadyCheckedInError, TicketVoidError } from '../../src/domain/sales/ticket.errors';
import { aMember, aPerformance, aReservation, at, MINUTE, NO_MEMBER_CAP, SECOND } from '../support/builders';

export interface CheckInStores {
  readonly checkIns: CheckInRepository;
  readonly reservations: ReservationRepository;
  readonly performances: PerformanceRepository;
  readonly members: MemberRepository;
}

/** What every CheckInRepository must do, in memory and in MySQL. */
export function checkInRepositoryContract(makeStores: () => CheckInStores | Promise<CheckInStores>): void {
  describe('CheckInRepository contract', () => {
    let stores: CheckInStores;
    let confirmed: Reservation;

    beforeEach(async () => {
      stores = await makeStores();
      const performance = aPerformance();
      await stores.performances.add(performance);
      const member = aMember();
      await stores.members.add(member);
      confirmed = aReservation({ performance, memberId: member.id });
      await stores.reservations.add(confirmed, NO_MEMBER_CAP);
      confirmed.confirm(at(MINUTE));
      await stores.reservations.save(confirmed);
    });

    const scan = (reservation: Reservation, ticket: number, when: Date, staff = 'staff-1') =>
      reservation.checkIn(reservation.tickets[ticket]!.id, staff, when);

    it('records a check-in, and finds it by its ticket', async () => {
      const checkIn = scan(confirmed, 0, at(60 * MINUTE));
      await stores.checkIns.add(checkIn);
      expect(await stores.checkIns.findByTicketId(checkIn.ticketId)).toEqual(checkIn.toSnapshot());
      expect(await stores.checkIns.findByTicketId(confirmed.tickets[1]!.id)).toBeNull();
    });

    it('refuses a second check-in of a ticket with the time of the first, and keeps the first', async () => {
      const first = scan(confirmed, 0, at(60 * MINUTE));
      await stores.checkIns.add(first);
      const second = scan(confirmed, 0, at(61 * MINUTE), 'staff-2');
      const refused = await stores.checkIns.add(second).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(AlreadyCheckedInError);
      expect((refused as AlreadyCheckedInError).checkedInAt).toEqual(at(60 * MINUTE));
      expect(await stores.checkIns.findByTicketId(first.ticketId)).toEqual(first.toSnapshot());
      // The other seat's ticket is a ticket of its own.
      await expect(stores.checkIns.add(scan(confirmed, 1, at(62 * MINUTE)))).resolves.toBeUndefined();
    });

    it('lets exactly one of many concurrent check-ins of one ticket in', async () => {
      const attempts = Array.from({ length: 10 }, (_, gate) => scan(confirmed, 0, at(60 * MINUTE + gate * SECOND)));
      const outcomes = await Promise.allSettled(attempts.map((checkIn) => stores.checkIns.add(checkIn)));
      const admitted = outcomes.flatMap((outcome, gate) => (outcome.status === 'fulfilled' ? [gate] : []));
      expect(admitted).toHaveLength(1);
      const first = attempts[admitted[0]!]!.toSnapshot();
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') {
          expect(outcome.reason).toBeInstanceOf(AlreadyCheckedInError);
          expect((outcome.reason as AlreadyCheckedInError).checkedInAt).toEqual(first.checkedInAt);
        }
      }
      expect(await stores.checkIns.findByTicketId(first.ticketId)).toEqual(first);
    });

    it('refuses a check-in decided before its reservation was cancelled and written after: the ticket is void', async () => {
      const checkIn = scan(confirmed, 0, at(60 * MINUTE));
      const reread = (await stores.reservations.findById(confirmed.id))!;
      reread.cancel(at(59 * MINUTE));
      await stores.reservations.save(reread);

      await expect(stores.checkIns.add(checkIn)).rejects.toBeInstanceOf(TicketVoidError);
      expect(await stores.checkIns.findByTicketId(checkIn.ticketId)).toBeNull();
    });
  });
}
