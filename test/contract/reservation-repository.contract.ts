import { randomUUID } from 'node:crypto';
import { MemberRepository } from '../../src/domain/identity/member.repository';
import { Performance } from '../../src/domain/catalog/performance';
import { PerformanceRepository } from '../../src/domain/catalog/performance.repository';
import { Reservation } from '../../src/domain/sales/reservation';
import { MemberNotFoundError } from '../../src/domain/identity/member.errors';
import {
  ConcurrentModificationError,
  MemberSeatLimitError,
  SeatsAlreadyClaimedError,
} from '../../src/domain/sales/reservation.errors';
import { ReservationRepository } from '../../src/domain/sales/reservation.repository';
import { ticketIdOf } from '../../src/domain/sales/reservation';
import {
  aMember,
  aPerformance,
  aReservation,
  at,
  HOUR,
  MINUTE,
  NO_MEMBER_CAP,
  ReservationOverrides,
  seatIdsOf,
  SECOND,
  T0,
} from '../support/builders';

export interface ReservationStores {
  readonly reservations: ReservationRepository;
  /** Where the performances and members that reservations refer to are stored (MySQL checks the foreign keys). */
  readonly performances: PerformanceRepository;
  readonly members: MemberRepository;
}

const HOLD_SECONDS = 300;
const afterTheHold = at(HOLD_SECONDS * SECOND);

/** What every ReservationRepository must do, in memory and in MySQL. */
export function reservationRepositoryContract(makeStores: () => ReservationStores | Promise<ReservationStores>): void {
  describe('ReservationRepository contract', () => {
    let reservations: ReservationRepository;
    let performances: PerformanceRepository;
    let performance: Performance;
    let seats: string[];
    let memberId: string;
    let otherMemberId: string;
    /** A PENDING hold on seats of `performance` by `memberId`, not yet added. */
    let hold: (overrides?: ReservationOverrides) => Reservation;

    beforeEach(async () => {
      const stores = await makeStores();
      reservations = stores.reservations;
      performances = stores.performances;
      performance = aPerformance();
      seats = seatIdsOf(performance);
      await stores.performances.add(performance);
      const members = [aMember(), aMember()];
      for (const member of members) await stores.members.add(member);
      memberId = members[0]!.id;
      otherMemberId = members[1]!.id;
      hold = (overrides = {}) => aReservation({ performance, memberId, holdSeconds: HOLD_SECONDS, ...overrides });
    });

    const stored = async (id: string) => (await reservations.findById(id))?.toSnapshot();

    describe('add and find', () => {
      it('stores a hold and finds it as it was: seats in the order asked for, prices, millisecond times', async () => {
        const reservation = hold({ seatIds: [seats[7]!, seats[0]!, seats[12]!], now: at(123) });
        await reservations.add(reservation, NO_MEMBER_CAP);

        expect(await stored(reservation.id)).toEqual(reservation.toSnapshot());
        expect((await stored(reservation.id))?.expiresAt.getTime()).toBe(T0.getTime() + 123 + HOLD_SECONDS * SECOND);
      });

      it('answers null, or nothing, for unknown ids', async () => {
        const reservation = hold();
        await reservations.add(reservation, NO_MEMBER_CAP);

        expect(await reservations.findById('00000000-0000-0000-0000-000000000000')).toBeNull();
        expect(await reservations.findByIds([])).toEqual([]);
      });

      it('finds several by id in the order asked for, skipping unknown ones', async () => {
        const first = hold({ seatIds: [seats[0]!] });
        const second = hold({ seatIds: [seats[1]!, seats[2]!] });
        await reservations.add(first, NO_MEMBER_CAP);
        await reservations.add(second, NO_MEMBER_CAP);

        const found = await reservations.findByIds([second.id, 'unknown', first.id]);

        expect(found.map((reservation) => reservation.toSnapshot())).toEqual([second.toSnapshot(), first.toSnapshot()]);
      });

      it("lists a member's reservations newest first, and nobody else's", async () => {
        const older = hold({ seatIds: [seats[0]!], now: at(-MINUTE) });
        const newer = hold({ seatIds: [seats[1]!], now: at(0) });
        const someoneElses = hold({ seatIds: [seats[2]!], memberId: otherMemberId });
        for (const reservation of [older, someoneElses, newer]) await reservations.add(reservation, NO_MEMBER_CAP);

        const listed = await reservations.listByMember(memberId);

        expect(listed.map((reservation) => reservation.id)).toEqual([newer.id, older.id]);
        expect(listed[0]?.toSnapshot()).toEqual(newer.toSnapshot());
        expect(await reservations.listByMember('00000000-0000-0000-0000-000000000000')).toEqual([]);
      });

      it("pages a member's reservations newest first, with their total, and nobody else's", async () => {
        const made = [0, 1, 2, 3, 4].map((minute) => hold({ seatIds: [seats[minute]!], now: at(minute * MINUTE) }));
        for (const reservation of made) await reservations.add(reservation, NO_MEMBER_CAP);
        await reservations.add(hold({ seatIds: [seats[5]!], memberId: otherMemberId }), NO_MEMBER_CAP);
        const newestFirst = [...made].reverse().map((reservation) => reservation.id);

        const first = await reservations.pageByMember(memberId, 1, 2);
        const second = await reservations.pageByMember(memberId, 2, 2);
        const last = await reservations.pageByMember(memberId, 3, 2);
        const pastTheEnd = await reservations.pageByMember(memberId, 4, 2);

        expect(first.items.map((reservation) => reservation.id)).toEqual(newestFirst.slice(0, 2));
        expect(second.items.map((reservation) => reservation.id)).toEqual(newestFirst.slice(2, 4));
        expect(last.items.map((reservation) => reservation.id)).toEqual(newestFirst.slice(4));
        expect(pastTheEnd.items).toEqual([]);
        expect([first, second, last, pastTheEnd].map((page) => page.total)).toEqual([5, 5, 5, 5]);
        expect(first.items[0]?.toSnapshot()).toEqual(made[4]!.toSnapshot());
        expect(await reservations.pageByMember('00000000-0000-0000-0000-000000000000', 1, 10)).toEqual({
          items: [],
          total: 0,
        });
      });

      it('pages reservations made in the same millisecond by descending id', async () => {
        const a = hold({ id: 'reservation-a', seatIds: [seats[0]!] });
        const b = hold({ id: 'reservation-b', seatIds: [seats[1]!] });
        await reservations.add(a, NO_MEMBER_CAP);
        await reservations.add(b, NO_MEMBER_CAP);

        expect((await reservations.pageByMember(memberId, 1, 1)).items.map((reservation) => reservation.id)).toEqual([
          b.id,
        ]);
        expect((await reservations.pageByMember(memberId, 2, 1)).items.map((reservation) => reservation.id)).toEqual([
          a.id,
        ]);
      });

      it('lists reservations made in the same millisecond by descending id', async () => {
        const a = hold({ id: 'reservation-a', seatIds: [seats[0]!] });
        const b = hold({ id: 'reservation-b', seatIds: [seats[1]!] });
        await reservations.add(a, NO_MEMBER_CAP);
        await reservations.add(b, NO_MEMBER_CAP);

        expect((await reservations.listByMember(memberId)).map((reservation) => reservation.id)).toEqual([b.id, a.id]);
      });
    });

    describe('one active claim per seat', () => {
      it('refuses seats held by another reservation, names their holder, and writes nothing', async () => {
        const first = hold({ seatIds: [seats[0]!, seats[1]!] });
        await reservations.add(first, NO_MEMBER_CAP);
        const second = hold({ seatIds: [seats[2]!, seats[1]!], memberId: otherMemberId });

        const refusal = await reservations.add(second, NO_MEMBER_CAP).catch((error: unknown) => error);

        expect(refusal).toBeInstanceOf(SeatsAlreadyClaimedError);
        expect(refusal).toMatchObject({ code: 'SEATS_ALREADY_CLAIMED', details: { seatIds: [seats[1]] } });
        expect((refusal as SeatsAlreadyClaimedError).performanceId).toBe(performance.id);
        expect([...(refusal as SeatsAlreadyClaimedError).holders]).toEqual([[seats[1], first.id]]);
        expect(await reservations.findById(second.id)).toBeNull();
        await expect(reservations.add(hold({ seatIds: [seats[2]!] }), NO_MEMBER_CAP)).resolves.toBeUndefined();
      });

      it('refuses seats of a confirmed reservation', async () => {
        const sold = hold({ seatIds: [seats[0]!] });
        await reservations.add(sold, NO_MEMBER_CAP);
        sold.confirm(at(MINUTE));
        await reservations.save(sold);

        await expect(reservations.add(hold({ seatIds: [seats[0]!] }), NO_MEMBER_CAP)).rejects.toBeInstanceOf(
          SeatsAlreadyClaimedError,
        );
      });

      it('frees the seats of a cancelled reservation', async () => {
        const cancelled = hold({ seatIds: [seats[0]!, seats[1]!] });
        await reservations.add(cancelled, NO_MEMBER_CAP);
        cancelled.cancel(at(MINUTE));
        await reservations.save(cancelled);

        const next = hold({ seatIds: [seats[1]!, seats[0]!], memberId: otherMemberId });
        await reservations.add(next, NO_MEMBER_CAP);

        expect((await stored(next.id))?.status).toBe('PENDING');
        expect((await stored(cancelled.id))?.status).toBe('CANCELLED');
      });

      it('frees the seats of a confirmed reservation cancelled later', async () => {
        const sold = hold({ seatIds: [seats[0]!] });
        await reservations.add(sold, NO_MEMBER_CAP);
        sold.confirm(at(MINUTE));
        await reservations.save(sold);
        const again = (await reservations.findById(sold.id))!;
        again.cancel(at(2 * MINUTE));
        await reservations.save(again);

        await expect(reservations.add(hold({ seatIds: [seats[0]!] }), NO_MEMBER_CAP)).resolves.toBeUndefined();
      });

      it('frees the seats of a hold expired by save', async () => {
        const overdue = hold({ seatIds: [seats[0]!] });
        await reservations.add(overdue, NO_MEMBER_CAP);
        overdue.expire(afterTheHold);
        await reservations.save(overdue);

        await expect(
          reservations.add(hold({ seatIds: [seats[0]!], now: afterTheHold }), NO_MEMBER_CAP),
        ).resolves.toBeUndefined();
      });

      it('keeps an overdue hold claiming its seats until it is expired', async () => {
        await reservations.add(hold({ seatIds: [seats[0]!] }), NO_MEMBER_CAP);

        await expect(
          reservations.add(hold({ seatIds: [seats[0]!], now: afterTheHold }), NO_MEMBER_CAP),
        ).rejects.toBeInstanceOf(SeatsAlreadyClaimedError);
      });
    });

    describe('per-member seat cap', () => {
      const CAP = { maxSeatsPerMember: 4 };
      const refusalOf = (promise: Promise<unknown>) =>
        promise.then(
          () => undefined,
          (error: unknown) => error,
        );

      it('refuses a hold that would take the member past the cap, says what they hold, and writes nothing', async () => {
        await reservations.add(hold({ seatIds: seats.slice(0, 3) }), CAP);
        const tooMany = hold({ seatIds: seats.slice(3, 5) });

        const refusal = await refusalOf(reservations.add(tooMany, CAP));

        expect(refusal).toBeInstanceOf(MemberSeatLimitError);
        expect(refusal).toMatchObject({ performanceId: performance.id, limit: 4, held: 3, requested: 2 });
        expect(await reservations.findById(tooMany.id)).toBeNull();
        // The refused hold took nothing: the seats are free and the member may still take one more.
        await expect(reservations.add(hold({ seatIds: [seats[3]!] }), CAP)).resolves.toBeUndefined();
        await expect(refusalOf(reservations.add(hold({ seatIds: [seats[4]!] }), CAP))).resolves.toMatchObject({
          held: 4,
          requested: 1,
        });
      });

      it('refuses a single reservation larger than the cap', async () => {
        const refusal = await refusalOf(
          reservations.add(hold({ seatIds: seats.slice(0, 3) }), { maxSeatsPerMember: 2 }),
        );

        expect(refusal).toMatchObject({ code: 'MEMBER_SEAT_LIMIT', limit: 2, held: 0, requested: 3 });
      });

      it('counts per member and per performance', async () => {
        await reservations.add(hold({ seatIds: seats.slice(0, 4) }), CAP);
        const elsewhere = aPerformance();
        await performances.add(elsewhere);

        await expect(
          reservations.add(hold({ seatIds: seats.slice(4, 8), memberId: otherMemberId }), CAP),
        ).resolves.toBeUndefined();
        await expect(
          reservations.add(hold({ performance: elsewhere, seatIds: seatIdsOf(elsewhere).slice(0, 4) }), CAP),
        ).resolves.toBeUndefined();
      });

      it('keeps confirmed seats counted and gives back cancelled ones', async () => {
        const confirmed = hold({ seatIds: seats.slice(0, 2) });
        const cancelled = hold({ seatIds: seats.slice(2, 4) });
        await reservations.add(confirmed, CAP);
        await reservations.add(cancelled, CAP);
        confirmed.confirm(at(MINUTE));
        await reservations.save(confirmed);
        await expect(refusalOf(reservations.add(hold({ seatIds: [seats[4]!] }), CAP))).resolves.toBeInstanceOf(
          MemberSeatLimitError,
        );

        cancelled.cancel(at(MINUTE));
        await reservations.save(cancelled);

        await expect(reservations.add(hold({ seatIds: seats.slice(4, 6) }), CAP)).resolves.toBeUndefined();
        await expect(refusalOf(reservations.add(hold({ seatIds: [seats[6]!] }), CAP))).resolves.toMatchObject({
          held: 4,
        });
      });

      it('gives back the seats of holds expired by save and by expireOverdue, once', async () => {
        const first = hold({ seatIds: seats.slice(0, 2) });
        const second = hold({ seatIds: seats.slice(2, 4) });
        await reservations.add(first, CAP);
        await reservations.add(second, CAP);
        first.expire(afterTheHold);
        await reservations.save(first);
        await reservations.expireOverdue(afterTheHold, 10);
        await reservations.expireOverdue(afterTheHold, 10);

        await expect(
          reservations.add(hold({ seatIds: seats.slice(4, 8), now: afterTheHold }), CAP),
        ).resolves.toBeUndefined();
        await expect(
          refusalOf(reservations.add(hold({ seatIds: [seats[8]!], now: afterTheHold }), CAP)),
        ).resolves.toMatchObject({ held: 4 });
      });

      it('lets exactly `cap` of many concurrent one-seat holds of one member through', async () => {
        const attempts = seats.slice(0, 10).map((seatId) => hold({ seatIds: [seatId] }));

        const outcomes = await Promise.allSettled(attempts.map((attempt) => reservations.add(attempt, CAP)));

        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(4);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(MemberSeatLimitError);
        }
        const stored = await reservations.listByMember(memberId);
        expect(stored).toHaveLength(4);
      });

      it('refuses a reservation of a member that does not exist, and writes nothing', async () => {
        const orphan = hold({ memberId: '00000000-0000-4000-8000-000000000001', seatIds: [seats[0]!] });

        await expect(reservations.add(orphan, CAP)).rejects.toBeInstanceOf(MemberNotFoundError);
        expect(await reservations.findById(orphan.id)).toBeNull();
        await expect(reservations.add(hold({ seatIds: [seats[0]!] }), CAP)).resolves.toBeUndefined();
      });
    });

    describe('save', () => {
      it('saves a status change and counts the version up', async () => {
        const reservation = hold();
        await reservations.add(reservation, NO_MEMBER_CAP);
        reservation.confirm(at(MINUTE + 7));
        await reservations.save(reservation);

        expect(await stored(reservation.id)).toEqual({ ...reservation.toSnapshot(), version: 1 });
        expect((await stored(reservation.id))?.confirmedAt?.getTime()).toBe(T0.getTime() + MINUTE + 7);
      });

      it('refuses a change made to a stale copy and keeps the saved one', async () => {
        const reservation = hold();
        await reservations.add(reservation, NO_MEMBER_CAP);
        const mine = (await reservations.findById(reservation.id))!;
        const theirs = (await reservations.findById(reservation.id))!;
        theirs.cancel(at(MINUTE));
        await reservations.save(theirs);

        mine.confirm(at(MINUTE));
        await expect(reservations.save(mine)).rejects.toBeInstanceOf(ConcurrentModificationError);
        expect(await stored(reservation.id)).toMatchObject({ status: 'CANCELLED', confirmedAt: null, version: 1 });
      });

      it('refuses to save a reservation that was never added', async () => {
        const reservation = hold();
        reservation.cancel(at(MINUTE));

        await expect(reservations.save(reservation)).rejects.toBeInstanceOf(ConcurrentModificationError);
        expect(await reservations.findById(reservation.id)).toBeNull();
      });
    });

    describe('tickets', () => {
      it('stores the tickets issued by the confirmation with it, and finds the reservation by any of them', async () => {
        const reservation = hold({ seatIds: seats.slice(0, 3) });
        await reservations.add(reservation, NO_MEMBER_CAP);
        expect((await stored(reservation.id))?.tickets).toEqual([]);
        reservation.confirm(at(MINUTE));
        await reservations.save(reservation);

        const tickets = (await stored(reservation.id))!.tickets;
        expect(tickets).toEqual(reservation.tickets);
        expect(tickets.map((ticket) => ticket.seatId)).toEqual(seats.slice(0, 3));
        for (const ticket of tickets) {
          expect((await reservations.findByTicketId(ticket.id))?.toSnapshot()).toEqual(await stored(reservation.id));
        }
        expect(await reservations.findByTicketId(ticketIdOf(reservation.id, 'not-a-seat'))).toBeNull();
        expect((await reservations.findByIds([reservation.id]))[0]!.tickets).toEqual(tickets);
        expect((await reservations.listByMember(memberId))[0]!.tickets).toEqual(tickets);
      });

      it('keeps the tickets of a cancelled reservation (void), findable by their ids', async () => {
        const reservation = hold();
        await reservations.add(reservation, NO_MEMBER_CAP);
        reservation.confirm(at(MINUTE));
        await reservations.save(reservation);
        const reread = (await reservations.findById(reservation.id))!;
        reread.cancel(at(2 * MINUTE));
        await reservations.save(reread);

        const cancelled = (await reservations.findByTicketId(reservation.tickets[0]!.id))!;
        expect(cancelled.status).toBe('CANCELLED');
        expect(cancelled.ticketsValid).toBe(false);
        expect(cancelled.tickets).toEqual(reservation.tickets);
      });

      it('writes no ticket for a confirmation that loses to a concurrent change', async () => {
        const reservation = hold();
        await reservations.add(reservation, NO_MEMBER_CAP);
        const mine = (await reservations.findById(reservation.id))!;
        const theirs = (await reservations.findById(reservation.id))!;
        theirs.cancel(at(MINUTE));
        await reservations.save(theirs);
        mine.confirm(at(MINUTE));
        await expect(reservations.save(mine)).rejects.toBeInstanceOf(ConcurrentModificationError);

        expect((await stored(reservation.id))?.tickets).toEqual([]);
        expect(await reservations.findByTicketId(mine.tickets[0]!.id)).toBeNull();
      });

      it('issues one ticket per seat when two confirmations of one hold race: the other is refused', async () => {
        const reservation = hold();
        await reservations.add(reservation, NO_MEMBER_CAP);
        const copies = [(await reservations.findById(reservation.id))!, (await reservations.findById(reservation.id))!];
        copies.forEach((copy, index) => copy.confirm(at(MINUTE + index)));
        const outcomes = await Promise.allSettled(copies.map((copy) => reservations.save(copy)));
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);

        const tickets = (await stored(reservation.id))!.tickets;
        expect(tickets.map((ticket) => ticket.seatId)).toEqual(reservation.seatIds);
      });
    });

    describe('expireOverdue', () => {
      it('expires PENDING holds due by now, frees their seats, and leaves the rest alone', async () => {
        const due = hold({ seatIds: [seats[0]!, seats[1]!], now: at(-MINUTE) });
        const dueExactlyNow = hold({ seatIds: [seats[2]!] });
        const notYetDue = hold({ seatIds: [seats[3]!], now: at(MINUTE) });
        const confirmed = hold({ seatIds: [seats[4]!], now: at(-MINUTE) });
        for (const reservation of [due, dueExactlyNow, notYetDue, confirmed])
          await reservations.add(reservation, NO_MEMBER_CAP);
        confirmed.confirm(at(0));
        await reservations.save(confirmed);

        const expired = await reservations.expireOverdue(afterTheHold, 10);

        expect(expired).toHaveLength(2);
        expect(expired).toEqual(
          expect.arrayContaining([
            { reservationId: due.id, performanceId: performance.id, seatIds: [seats[0], seats[1]] },
            { reservationId: dueExactlyNow.id, performanceId: performance.id, seatIds: [seats[2]] },
          ]),
        );
        expect(await stored(due.id)).toMatchObject({ status: 'EXPIRED', version: 1 });
        expect(await stored(notYetDue.id)).toMatchObject({ status: 'PENDING', version: 0 });
        expect(await stored(confirmed.id)).toMatchObject({ status: 'CONFIRMED', version: 1 });
        await expect(
          reservations.add(hold({ seatIds: [seats[0]!, seats[1]!, seats[2]!], now: afterTheHold }), NO_MEMBER_CAP),
        ).resolves.toBeUndefined();
        await expect(
          reservations.add(hold({ seatIds: [seats[3]!], now: afterTheHold }), NO_MEMBER_CAP),
        ).rejects.toBeInstanceOf(SeatsAlreadyClaimedError);
      });

      it('expires exactly the holds the domain calls overdue, leaving each as expire() and save would', async () => {
        const holds = [-1, 0, 1].map((offsetMs, index) => hold({ seatIds: [seats[index]!], now: at(offsetMs) }));
        for (const reservation of holds) await reservations.add(reservation, NO_MEMBER_CAP);
        const overdue = holds.filter((reservation) => reservation.isOverdue(afterTheHold));
        expect(overdue).toHaveLength(2);

        const expired = await reservations.expireOverdue(afterTheHold, 10);

        expect(expired.map((hold) => hold.reservationId)).toEqual(overdue.map((reservation) => reservation.id));
        for (const reservation of overdue) {
          reservation.expire(afterTheHold);
          expect(await stored(reservation.id)).toEqual({ ...reservation.toSnapshot(), version: 1 });
        }
        expect(await stored(holds[2]!.id)).toEqual(holds[2]!.toSnapshot());
      });

      it('expires each hold once, the longest overdue first, at most `limit` per call', async () => {
        const third = hold({ seatIds: [seats[0]!], now: at(-1 * MINUTE) });
        const first = hold({ seatIds: [seats[1]!], now: at(-3 * MINUTE) });
        const second = hold({ seatIds: [seats[2]!], now: at(-2 * MINUTE) });
        for (const reservation of [third, first, second]) await reservations.add(reservation, NO_MEMBER_CAP);

        const batch1 = await reservations.expireOverdue(afterTheHold, 2);
        const batch2 = await reservations.expireOverdue(afterTheHold, 2);
        const batch3 = await reservations.expireOverdue(afterTheHold, 2);

        expect(batch1.map((hold) => hold.reservationId)).toEqual([first.id, second.id]);
        expect(batch2.map((hold) => hold.reservationId)).toEqual([third.id]);
        expect(batch3).toEqual([]);
      });

      it('makes a later save of the expired hold a concurrent modification', async () => {
        const reservation = hold();
        await reservations.add(reservation, NO_MEMBER_CAP);
        const copy = (await reservations.findById(reservation.id))!;
        await reservations.expireOverdue(afterTheHold, 10);

        copy.expire(afterTheHold);
        await expect(reservations.save(copy)).rejects.toBeInstanceOf(ConcurrentModificationError);
      });
    });

    describe('payments', () => {
      const checkOut = (reservation: Reservation, paymentId = randomUUID()) =>
        reservation.startPayment({
          id: paymentId,
          provider: 'fake',
          providerPaymentId: `pi_${paymentId}`,
          clientSecret: null,
          now: at(MINUTE),
          holdExtensionSeconds: 60,
        });

      it('keeps payments with their reservation, its extended hold, and finds it by provider payment id', async () => {
        const reservation = hold();
        await reservations.add(reservation, NO_MEMBER_CAP);
        checkOut(reservation, 'a1b2c3d4-0000-7000-8000-000000000001');
        await reservations.save(reservation);

        const found = await reservations.findByProviderPaymentId('fake', 'pi_a1b2c3d4-0000-7000-8000-000000000001');
        expect(found?.toSnapshot()).toEqual({ ...reservation.toSnapshot(), version: 1 });
        expect(found?.expiresAt).toEqual(at((HOLD_SECONDS + 60) * SECOND));
        expect(
          await reservations.findByProviderPaymentId('stripe', 'pi_a1b2c3d4-0000-7000-8000-000000000001'),
        ).toBeNull();
        expect(await reservations.findByProviderPaymentId('fake', 'pi_unknown')).toBeNull();
      });

      it('saves a payment outcome and the confirmation it causes together, under the version check', async () => {
        const reservation = hold();
        await reservations.add(reservation, NO_MEMBER_CAP);
        checkOut(reservation);
        await reservations.save(reservation);
        const first = (await reservations.findById(reservation.id))!;
        const second = (await reservations.findById(reservation.id))!;
        const providerPaymentId = first.currentPayment!.providerPaymentId;
        first.paymentSucceeded(providerPaymentId, at(2 * MINUTE));
        second.paymentSucceeded(providerPaymentId, at(2 * MINUTE));

        await reservations.save(first);
        await expect(reservations.save(second)).rejects.toBeInstanceOf(ConcurrentModificationError);
        expect(await stored(reservation.id)).toMatchObject({
          status: 'CONFIRMED',
          payments: [expect.objectContaining({ status: 'SUCCEEDED', updatedAt: at(2 * MINUTE) })],
        });
      });

      it('claims the seats of an expired hold paid late again, and counts them again', async () => {
        const late = hold({ seatIds: [seats[0]!, seats[1]!] });
        await reservations.add(late, NO_MEMBER_CAP);
        checkOut(late);
        await reservations.save(late);
        await reservations.expireOverdue(at(HOUR), 10);
        const expired = (await reservations.findById(late.id))!;
        expect(expired.paymentSucceeded(expired.currentPayment!.providerPaymentId, at(HOUR))).toBe('reheld');
        await reservations.save(expired);

        expect((await stored(late.id))?.status).toBe('CONFIRMED');
        await expect(
          reservations.add(hold({ seatIds: [seats[1]!], memberId: otherMemberId, now: at(HOUR) }), NO_MEMBER_CAP),
        ).rejects.toBeInstanceOf(SeatsAlreadyClaimedError);
        // Counted again: a cap of 2 is full with them.
        await expect(
          reservations.add(hold({ seatIds: [seats[5]!], now: at(HOUR) }), { maxSeatsPerMember: 2 }),
        ).rejects.toBeInstanceOf(MemberSeatLimitError);
      });

      it('refuses to claim the seats of an expired hold again when one is taken, and writes nothing', async () => {
        const late = hold({ seatIds: [seats[0]!, seats[1]!] });
        await reservations.add(late, NO_MEMBER_CAP);
        checkOut(late);
        await reservations.save(late);
        await reservations.expireOverdue(at(HOUR), 10);
        const taker = hold({ seatIds: [seats[1]!], memberId: otherMemberId, now: at(HOUR) });
        await reservations.add(taker, NO_MEMBER_CAP);
        const expired = (await reservations.findById(late.id))!;
        expired.paymentSucceeded(expired.currentPayment!.providerPaymentId, at(HOUR));

        const refusal = await reservations.save(expired).catch((error: unknown) => error);
        expect(refusal).toBeInstanceOf(SeatsAlreadyClaimedError);
        expect([...(refusal as SeatsAlreadyClaimedError).holders]).toEqual([[seats[1], taker.id]]);
        expect(await stored(late.id)).toMatchObject({ status: 'EXPIRED', version: 2 });
        expect((await stored(late.id))?.payments.map((payment) => payment.status)).toEqual(['PENDING']);
        // seats[0] was not left claimed by the refused save.
        await expect(
          reservations.add(hold({ seatIds: [seats[0]!], memberId: otherMemberId, now: at(HOUR) }), NO_MEMBER_CAP),
        ).resolves.toBeUndefined();
      });

      it('lists the reservations with a refund due, and no more once it is done', async () => {
        const paid = hold();
        await reservations.add(paid, NO_MEMBER_CAP);
        checkOut(paid);
        paid.paymentSucceeded(paid.currentPayment!.providerPaymentId, at(MINUTE));
        await reservations.save(paid);
        expect(await reservations.withRefundsDue(10)).toEqual([]);
        const cancelled = (await reservations.findById(paid.id))!;
        cancelled.cancel(at(2 * MINUTE));
        await reservations.save(cancelled);

        const due = await reservations.withRefundsDue(10);
        expect(due.map((reservation) => reservation.id)).toEqual([paid.id]);
        due[0]!.refundCompleted(due[0]!.refundsDue[0]!.id, at(3 * MINUTE));
        await reservations.save(due[0]!);
        expect(await reservations.withRefundsDue(10)).toEqual([]);
        expect((await stored(paid.id))?.payments.map((payment) => payment.status)).toEqual(['REFUNDED']);
      });
    });
  });
}
