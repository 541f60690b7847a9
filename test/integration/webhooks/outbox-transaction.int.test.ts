import { ObjectionMemberRepository } from '../../../src/adapters/persistence/objection-member.repository';
import { ObjectionPerformanceRepository } from '../../../src/adapters/persistence/objection-performance.repository';
import { MysqlReservationRepository } from '../../../src/adapters/persistence/mysql-reservation.repository';
import { MysqlWebhookDeliveryStore } from '../../../src/adapters/persistence/mysql-webhook.store';
import { UuidV7IdGenerator } from '../../../src/adapters/system/uuid-v7.id-generator';
import { DomainEventOutboxTranslator } from '../../../src/application/integrations/outbox-messages';
import { SeatsAlreadyClaimedError } from '../../../src/domain/sales/reservation.errors';
import { MysqlCheckInRepository } from '../../../src/adapters/persistence/mysql-check-in.repository';
import { AlreadyCheckedInError, TicketVoidError } from '../../../src/domain/sales/ticket.errors';
import { aMember, aPerformance, aReservation, at, MINUTE, NO_MEMBER_CAP, seatIdsOf } from '../../support/builders';
import { useClaimPool, useTestDatabase } from '../../support/mysql';

const knex = useTestDatabase({ poolMax: 10 });
const claims = useClaimPool({ poolMax: 10 });

interface OutboxRow {
  seq: number;
  id: string;
  type: string;
  ordering_key: string;
  data: string;
}

/** The outbox is written by the repository, in the transaction (or batch) of each change. */
describe('the outbox, written with each reservation change', () => {
  const outbox = () => knex()('outbox').select<OutboxRow[]>('*').orderBy('seq');

  async function setUp() {
    const performance = aPerformance({ sections: [{ name: 'A', grade: 'VIP', rows: 2, seatsPerRow: 10 }] });
    await new ObjectionPerformanceRepository(knex()).add(performance);
    const member = aMember();
    await new ObjectionMemberRepository(knex()).add(member);
    const translator = new DomainEventOutboxTranslator(new UuidV7IdGenerator());
    return { performance, member, reservations: new MysqlReservationRepository(knex(), claims(), translator) };
  }

  it('commits reservation.held in the claim batch, and nothing when the claim is refused', async () => {
    const { performance, member, reservations } = await setUp();
    const seats = seatIdsOf(performance);
    const hold = aReservation({ performance, memberId: member.id, seatIds: seats.slice(0, 2) });
    await reservations.add(hold, NO_MEMBER_CAP);
    const loser = aReservation({ performance, memberId: member.id, seatIds: seats.slice(1, 3) });
    await expect(reservations.add(loser, NO_MEMBER_CAP)).rejects.toBeInstanceOf(SeatsAlreadyClaimedError);

    const rows = await outbox();
    expect(rows.map((row) => [row.type, row.ordering_key])).toEqual([['reservation.held', hold.id]]);
    expect(rows[0]!.id).toMatch(/^msg_[0-9a-f-]{36}$/);
    expect(JSON.parse(rows[0]!.data)).toEqual({
      reservationId: hold.id,
      performanceId: performance.id,
      seatIds: seats.slice(0, 2),
    });
  });

  it('commits confirm and cancel with their status change, and the sweeper expiry with its bulk update', async () => {
    const { performance, member, reservations } = await setUp();
    const seats = seatIdsOf(performance);
    const confirmed = aReservation({ performance, memberId: member.id, seatIds: [seats[0]!], now: at(0) });
    const overdue = aReservation({ performance, memberId: member.id, seatIds: [seats[1]!], now: at(0) });
    // As the use cases do: events are pulled (published) once the change is saved.
    await reservations.add(confirmed, NO_MEMBER_CAP);
    confirmed.pullEvents();
    await reservations.add(overdue, NO_MEMBER_CAP);
    confirmed.confirm(at(MINUTE));
    await reservations.save(confirmed);
    const reread = (await reservations.findById(confirmed.id))!;
    reread.cancel(at(2 * MINUTE));
    await reservations.save(reread);
    const expired = await reservations.expireOverdue(at(60 * MINUTE), 10);

    expect(expired.map((hold) => hold.reservationId)).toEqual([overdue.id]);
    expect((await outbox()).map((row) => [row.type, row.ordering_key])).toEqual([
      ['reservation.held', confirmed.id],
      ['reservation.held', overdue.id],
      ['reservation.confirmed', confirmed.id],
      ['reservation.cancelled', confirmed.id],
      ['reservation.expired', overdue.id],
    ]);
  });

  it('commits ticket.checked_in with the check-in, and nothing for a refused one', async () => {
    const { performance, member, reservations } = await setUp();
    const checkIns = new MysqlCheckInRepository(knex(), new DomainEventOutboxTranslator(new UuidV7IdGenerator()));
    const seats = seatIdsOf(performance);
    const sold = aReservation({ performance, memberId: member.id, seatIds: seats.slice(0, 2), now: at(0) });
    // As the use cases do: events are pulled (published) once the change is saved.
    await reservations.add(sold, NO_MEMBER_CAP);
    sold.pullEvents();
    sold.confirm(at(MINUTE));
    await reservations.save(sold);
    sold.pullEvents();
    const [ticket, other] = sold.tickets;
    await checkIns.add(sold.checkIn(ticket!.id, 'staff', at(2 * MINUTE)));
    await expect(checkIns.add(sold.checkIn(ticket!.id, 'staff', at(3 * MINUTE)))).rejects.toBeInstanceOf(
      AlreadyCheckedInError,
    );
    const late = sold.checkIn(other!.id, 'staff', at(4 * MINUTE));
    const cancelled = (await reservations.findById(sold.id))!;
    cancelled.cancel(at(4 * MINUTE));
    await reservations.save(cancelled);
    await expect(checkIns.add(late)).rejects.toBeInstanceOf(TicketVoidError);

    const rows = await outbox();
    expect(rows.map((row) => [row.type, row.ordering_key])).toEqual([
      ['reservation.held', sold.id],
      ['reservation.confirmed', sold.id],
      ['ticket.checked_in', sold.id],
      ['reservation.cancelled', sold.id],
    ]);
    expect(JSON.parse(rows[2]!.data)).toEqual({
      ticketId: ticket!.id,
      reservationId: sold.id,
      performanceId: performance.id,
      seatId: ticket!.seatId,
      checkedInAt: at(2 * MINUTE).toISOString(),
    });
  });

  it('fans the outbox out once however many relays claim at once, and empties it', async () => {
    const { performance, member, reservations } = await setUp();
    const seats = seatIdsOf(performance);
    for (const seatId of seats) {
      await reservations.add(aReservation({ performance, memberId: member.id, seatIds: [seatId] }), NO_MEMBER_CAP);
    }
    await knex()('webhook_endpoints').insert({
      id: '00000000-0000-7000-8000-000000000001',
      url: 'https://receiver.example/hooks',
      events: JSON.stringify(['reservation.held']),
      secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`,
      status: 'ENABLED',
      created_at: at(0),
      updated_at: at(0),
    });
    const ids = new UuidV7IdGenerator();
    const relays = [1, 2, 3].map(() => new MysqlWebhookDeliveryStore(knex(), ids));
    const moved = await Promise.all(
      relays.map(async (relay) => {
        let total = 0;
        for (let round = 0; round < 20; round++) total += await relay.fanOut(at(0), 3);
        return total;
      }),
    );

    expect(moved.reduce((sum, count) => sum + count, 0)).toBe(seats.length);
    expect(await outbox()).toEqual([]);
    const deliveries = await knex()('webhook_deliveries').select('message_id');
    expect(new Set(deliveries.map((row) => row.message_id)).size).toBe(seats.length);
    expect(deliveries).toHaveLength(seats.length);
  });
});
