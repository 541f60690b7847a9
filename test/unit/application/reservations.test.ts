import { seatStatus } from '../../../src/application/catalog/seat-map';
import { StoreUnavailableError } from '../../../src/application/shared/errors';
import { InMemorySeatHoldStore } from '../../../src/adapters/memory/in-memory-seat-hold.store';
import { HOLD_SECONDS, reservationFixture } from '../../support/application-fixture';
import { T0 } from '../../support/builders';
import { aSeatHoldStoreThatFails } from '../../support/seat-hold.mother';

const pastTheHold = (HOLD_SECONDS + 1) * 1000;

describe('holding, confirming and cancelling seats', () => {
  it('holds free seats as one PENDING reservation with the total price', async () => {
    const app = await reservationFixture();
    const reservation = await app.holdSeats.execute(app.member(1), {
      performanceId: app.performance.id,
      seatIds: [app.seatIds[0]!, app.seatIds[10]!],
    });

    expect(reservation).toMatchObject({ status: 'PENDING', memberId: 'member-1' });
    expect(reservation.totalPrice.amount).toBe(150_000 + 120_000);
    expect(reservation.expiresAt.getTime() - T0.getTime()).toBe(HOLD_SECONDS * 1000);
    const map = await app.seatMap.execute(app.performance.id);
    expect([...map.taken]).toEqual([
      [app.seatIds[0], 'HELD'],
      [app.seatIds[10], 'HELD'],
    ]);
    expect(app.events.published.map((event) => event.type)).toEqual(['ReservationHeld']);
  });

  it('refuses a seat held by someone else, naming it, and takes none of the others', async () => {
    const app = await reservationFixture();
    await app.holdSeats.execute(app.member(1), { performanceId: app.performance.id, seatIds: [app.seatIds[1]!] });

    await expect(
      app.holdSeats.execute(app.member(2), {
        performanceId: app.performance.id,
        seatIds: [app.seatIds[0]!, app.seatIds[1]!],
      }),
    ).rejects.toMatchObject({ code: 'SEAT_UNAVAILABLE', seatIds: [app.seatIds[1]] });
    await expect(
      app.holdSeats.execute(app.member(3), { performanceId: app.performance.id, seatIds: [app.seatIds[0]!] }),
    ).resolves.toMatchObject({ status: 'PENDING' });
  });

  it('frees the seats of an overdue hold for the next buyer even before the sweeper runs', async () => {
    const app = await reservationFixture();
    const first = await app.holdSeats.execute(app.member(1), {
      performanceId: app.performance.id,
      seatIds: [app.seatIds[0]!],
    });
    app.clock.advance(pastTheHold);

    const second = await app.holdSeats.execute(app.member(2), {
      performanceId: app.performance.id,
      seatIds: [app.seatIds[0]!],
    });

    expect(second.status).toBe('PENDING');
    expect((await app.reservations.findById(first.id))!.status).toBe('EXPIRED');
  });

  it('keeps a seat sold when the hold store forgot it (flushed cache): the repository decides', async () => {
    const app = await reservationFixture();
    const sold = await app.holdSeats.execute(app.member(1), {
      performanceId: app.performance.id,
      seatIds: [app.seatIds[0]!],
    });
    await app.confirm.execute(app.member(1), sold.id);
    // A second instance whose store knows nothing, as after a Redis flush.
    const forgetful = app.holdSeatsWith(new InMemorySeatHoldStore(app.clock));

    await expect(
      forgetful.execute(app.member(2), { performanceId: app.performance.id, seatIds: [app.seatIds[0]!] }),
    ).rejects.toMatchObject({ code: 'SEAT_UNAVAILABLE' });
  });

  it('sells through the repository alone when the hold store is down, still never twice', async () => {
    const failures: unknown[] = [];
    const down = aSeatHoldStoreThatFails(() => new StoreUnavailableError('Redis', new Error('connection refused')));
    const app = await reservationFixture({ seatHolds: down });
    const holdSeats = app.holdSeatsWith(down, (error) => failures.push(error));

    const results = await Promise.allSettled(
      [1, 2, 3].map((n) =>
        holdSeats.execute(app.member(n), { performanceId: app.performance.id, seatIds: [app.seatIds[0]!] }),
      ),
    );

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(
      results
        .filter((result) => result.status === 'rejected')
        .map((result) => (result as PromiseRejectedResult).reason.code),
    ).toEqual(['SEAT_UNAVAILABLE', 'SEAT_UNAVAILABLE']);
    // Three holds skipped, and the two losers could not teach the store either.
    expect(failures).toHaveLength(5);
    expect(failures.every((error) => error instanceof StoreUnavailableError)).toBe(true);
  });

  it('confirms, cancels and sweeps while the hold store is down', async () => {
    const app = await reservationFixture({
      seatHolds: aSeatHoldStoreThatFails(() => new StoreUnavailableError('Redis')),
    });
    const hold = (n: number) =>
      app.holdSeats.execute(app.member(n), { performanceId: app.performance.id, seatIds: [app.seatIds[n]!] });
    const [confirmed, cancelled, overdue] = [await hold(1), await hold(2), await hold(3)];

    await expect(app.confirm.execute(app.member(1), confirmed.id)).resolves.toMatchObject({ status: 'CONFIRMED' });
    await expect(app.cancel.execute(app.member(2), cancelled.id)).resolves.toMatchObject({ status: 'CANCELLED' });
    app.clock.advance(pastTheHold);
    await expect(app.sweep.execute()).resolves.toBe(1);
    expect((await app.reservations.findById(overdue.id))!.status).toBe('EXPIRED');
  });

  it('lets a bug in the hold store surface instead of selling around it', async () => {
    const scriptError = new Error('ERR user_script:1: Script attempted to access nonexistent global variable');
    const app = await reservationFixture();
    const holdSeats = app.holdSeatsWith(aSeatHoldStoreThatFails(() => scriptError));

    await expect(
      holdSeats.execute(app.member(1), { performanceId: app.performance.id, seatIds: [app.seatIds[0]!] }),
    ).rejects.toBe(scriptError);
    expect(await app.reservations.listByMember('member-1')).toEqual([]);
  });

  it('confirms a live hold, and refuses an overdue one with HOLD_EXPIRED, freeing its seats', async () => {
    const app = await reservationFixture();
    const live = await app.holdSeats.execute(app.member(1), {
      performanceId: app.performance.id,
      seatIds: [app.seatIds[0]!],
    });
    const late = await app.holdSeats.execute(app.member(2), {
      performanceId: app.performance.id,
      seatIds: [app.seatIds[1]!],
    });

    await expect(app.confirm.execute(app.member(1), live.id)).resolves.toMatchObject({ status: 'CONFIRMED' });
    app.clock.advance(pastTheHold);
    await expect(app.confirm.execute(app.member(2), late.id)).rejects.toMatchObject({ code: 'HOLD_EXPIRED' });

    const map = await app.seatMap.execute(app.performance.id);
    expect(seatStatus(map, app.seatIds[0]!)).toBe('RESERVED');
    expect(seatStatus(map, app.seatIds[1]!)).toBe('AVAILABLE');
    expect((await app.reservations.findById(late.id))!.status).toBe('EXPIRED');
  });

  it("hides another member's reservation as if it did not exist, but lets an admin cancel it", async () => {
    const app = await reservationFixture();
    const reservation = await app.holdSeats.execute(app.member(1), {
      performanceId: app.performance.id,
      seatIds: [app.seatIds[0]!],
    });

    await expect(app.confirm.execute(app.member(2), reservation.id)).rejects.toMatchObject({
      code: 'RESERVATION_NOT_FOUND',
    });
    await expect(app.cancel.execute(app.member(2), reservation.id)).rejects.toMatchObject({
      code: 'RESERVATION_NOT_FOUND',
    });
    await expect(app.confirm.execute(app.admin, reservation.id)).rejects.toMatchObject({
      code: 'RESERVATION_NOT_FOUND',
    });
    await expect(app.cancel.execute(app.admin, reservation.id)).resolves.toMatchObject({ status: 'CANCELLED' });
  });

  it('answers a token whose member is gone with INVALID_TOKEN on every reservation use case, never a 404 or an empty list', async () => {
    const app = await reservationFixture();
    const reservation = await app.holdSeats.execute(app.member(1), {
      performanceId: app.performance.id,
      seatIds: [app.seatIds[0]!],
    });

    const attempts = [
      app.holdSeats.execute(app.ghost, { performanceId: app.performance.id, seatIds: [app.seatIds[1]!] }),
      app.list.execute(app.ghost, 1, 20),
      app.get.execute(app.ghost, reservation.id),
      app.get.execute(app.ghost, 'no-such-reservation'),
      app.confirm.execute(app.ghost, reservation.id),
      app.cancel.execute(app.ghost, reservation.id),
      app.cancel.execute(app.ghostAdmin, reservation.id),
    ];

    for (const attempt of attempts) await expect(attempt).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    expect((await app.reservations.findById(reservation.id))!.status).toBe('PENDING');
    expect((await app.seatMap.execute(app.performance.id)).taken.size).toBe(1);
  });

  it("serves a member's own reservations without reading the member: the reservation proves it exists", async () => {
    const app = await reservationFixture();
    const reservation = await app.holdSeats.execute(app.member(1), {
      performanceId: app.performance.id,
      seatIds: [app.seatIds[0]!],
    });
    const memberReads = jest.spyOn(app.members, 'findById');

    await app.get.execute(app.member(1), reservation.id);
    await app.list.execute(app.member(1), 1, 20);
    await app.confirm.execute(app.member(1), reservation.id);
    await app.cancel.execute(app.member(1), reservation.id);

    expect(memberReads).not.toHaveBeenCalled();
    await expect(app.list.execute(app.member(2), 1, 20)).resolves.toMatchObject({ items: [], total: 0 });
    expect(memberReads).toHaveBeenCalledWith('member-2');
  });

  it('makes cancelled seats available to the next buyer at once', async () => {
    const app = await reservationFixture();
    const first = await app.holdSeats.execute(app.member(1), {
      performanceId: app.performance.id,
      seatIds: [app.seatIds[0]!],
    });
    await app.confirm.execute(app.member(1), first.id);
    await app.cancel.execute(app.member(1), first.id);

    await expect(
      app.holdSeats.execute(app.member(2), { performanceId: app.performance.id, seatIds: [app.seatIds[0]!] }),
    ).resolves.toMatchObject({ status: 'PENDING' });
  });

  it('sweeps overdue holds in batches and leaves live and confirmed ones alone', async () => {
    const app = await reservationFixture();
    const hold = (n: number) =>
      app.holdSeats.execute(app.member(n), { performanceId: app.performance.id, seatIds: [app.seatIds[n]!] });
    const overdue = [await hold(1), await hold(2), await hold(3)];
    const confirmed = await hold(4);
    await app.confirm.execute(app.member(4), confirmed.id);
    app.clock.advance(pastTheHold);
    const live = await hold(5);

    expect(await app.sweep.execute()).toBe(3);
    for (const reservation of overdue)
      expect((await app.reservations.findById(reservation.id))!.status).toBe('EXPIRED');
    expect(app.events.published.filter((event) => event.type === 'ReservationExpired')).toEqual(
      overdue.map((reservation) => ({
        type: 'ReservationExpired',
        occurredAt: app.clock.now(),
        reservationId: reservation.id,
        performanceId: reservation.performanceId,
        seatIds: reservation.seats.map((seat) => seat.seatId),
      })),
    );
    expect((await app.reservations.findById(confirmed.id))!.status).toBe('CONFIRMED');
    expect((await app.reservations.findById(live.id))!.status).toBe('PENDING');
    expect(await app.sweep.execute()).toBe(0);
  });
});

describe('the per-member seat cap', () => {
  const holdAs = (app: Awaited<ReturnType<typeof reservationFixture>>, member: number, seats: number[]) =>
    app.holdSeats.execute(app.member(member), {
      performanceId: app.performance.id,
      seatIds: seats.map((index) => app.seatIds[index]!),
    });

  it('refuses seats past the cap across reservations, and lets go of the refused seats at once', async () => {
    const app = await reservationFixture({ maxSeatsPerMember: 4 });
    await holdAs(app, 1, [0, 1, 2]);

    await expect(holdAs(app, 1, [3, 4])).rejects.toMatchObject({
      code: 'MEMBER_SEAT_LIMIT',
      limit: 4,
      held: 3,
      requested: 2,
    });

    // The refused seats are not left held in the hold store: another member takes them now.
    await expect(holdAs(app, 2, [3, 4])).resolves.toMatchObject({ status: 'PENDING' });
    await expect(holdAs(app, 1, [5])).resolves.toMatchObject({ status: 'PENDING' });
  });

  it("stops counting a member's overdue holds even before the sweeper runs", async () => {
    const app = await reservationFixture({ maxSeatsPerMember: 4 });
    const overdue = await holdAs(app, 1, [0, 1, 2, 3]);
    app.clock.advance(pastTheHold);

    await expect(holdAs(app, 1, [4, 5])).resolves.toMatchObject({ status: 'PENDING' });
    expect((await app.reservations.findById(overdue.id))!.status).toBe('EXPIRED');
  });

  it('gives cancelled seats back, and keeps confirmed ones counted', async () => {
    const app = await reservationFixture({ maxSeatsPerMember: 4 });
    const confirmed = await holdAs(app, 1, [0, 1]);
    const cancelled = await holdAs(app, 1, [2, 3]);
    await app.confirm.execute(app.member(1), confirmed.id);
    await app.cancel.execute(app.member(1), cancelled.id);

    await expect(holdAs(app, 1, [4, 5])).resolves.toMatchObject({ status: 'PENDING' });
    await expect(holdAs(app, 1, [6])).rejects.toMatchObject({ code: 'MEMBER_SEAT_LIMIT', held: 4 });
  });
});
