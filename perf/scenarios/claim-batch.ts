import { createClaimKnex, createKnex } from '../../src/adapters/persistence/knex-client';
import { MysqlReservationRepository } from '../../src/adapters/persistence/mysql-reservation.repository';
import { UuidV7IdGenerator } from '../../src/adapters/system/uuid-v7.id-generator';
import { DomainEventOutboxTranslator } from '../../src/application/integrations/outbox-messages';
import { Reservation } from '../../src/domain/sales/reservation';
import { Money } from '../../src/domain/shared/money';
import { recreateDatabase } from '../lib/database';
import { databaseUrl } from '../lib/environment';
import { Options } from '../lib/options';
import { commandLine, machineLine } from '../lib/results';
import type { ScenarioOutcome } from '../lib/scenario';
import { seed, type Seeded } from '../lib/seed-data';

/**
 * The reservation claim alone, straight on the repository and MariaDB (no HTTP, no Redis):
 * claims per second on `connections` concurrent callers, without and with the outbox row in
 * the batch, interleaved in rounds. Isolates what the outbox adds to the one round trip.
 */
export async function claimBatch(options: Options): Promise<ScenarioOutcome[]> {
  const database = options.string('database', 'ticketing_perf_outbox');
  const seconds = options.number('duration', 5);
  const rounds = options.number('rounds', 4);
  const connections = options.number('connections', 16);
  await recreateDatabase(database, { migrate: true });
  const seeded = await seed(database, {
    performances: options.number('performances', 120),
    seatsPerPerformance: 1000,
    members: 1001,
  });
  const knex = createKnex(databaseUrl(database), { poolMax: connections });
  const claims = createClaimKnex(databaseUrl(database), { poolMax: connections });
  const ids = new UuidV7IdGenerator();
  const variants = {
    'claim batch without outbox (before)': new MysqlReservationRepository(knex, claims),
    'claim batch + outbox INSERT (after)': new MysqlReservationRepository(
      knex,
      claims,
      new DomainEventOutboxTranslator(ids),
    ),
  };
  const next = nextHold(seeded, ids);
  const results: { round: number; variant: string; perSecond: number }[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const [variant, repository] of Object.entries(variants)) {
        let done = 0;
        const deadline = Date.now() + seconds * 1000;
        await Promise.all(
          Array.from({ length: connections }, async () => {
            while (Date.now() < deadline) {
              await repository.add(next(), { maxSeatsPerMember: 1000 });
              done++;
            }
          }),
        );
        results.push({ round, variant, perSecond: Math.round(done / seconds) });
        console.log(JSON.stringify(results[results.length - 1]));
      }
    }
  } finally {
    await Promise.all([knex.destroy(), claims.destroy()]);
  }
  const mean = (variant: string) => {
    const of = results.filter((result) => result.variant === variant);
    return of.reduce((sum, result) => sum + result.perSecond, 0) / of.length;
  };
  const [before, after] = Object.keys(variants) as [string, string];
  const ratio = mean(after) / mean(before);
  const markdown = [
    `# claim-batch: ${mean(after).toFixed(0)} vs ${mean(before).toFixed(0)} claims/s with and without the outbox row (${ratio.toFixed(2)}×)`,
    '',
    `MysqlReservationRepository.add on ${connections} concurrent callers, ${seconds} s per variant and round, one distinct seat per claim; no HTTP, no Redis.`,
    '',
    `Command: \`${commandLine('perf:claim-batch')}\`  `,
    `Machine: ${machineLine()}`,
    '',
    '| round | variant | claims/s |',
    '| ---: | --- | ---: |',
    ...results.map((result) => `| ${result.round} | ${result.variant} | ${result.perSecond} |`),
    '',
    `Mean: ${mean(before).toFixed(0)} → ${mean(after).toFixed(0)} claims/s, **${ratio.toFixed(2)}×**; still one round trip per claim.`,
  ].join('\n');
  return [{ name: 'claim-batch', json: { results, ratio, connections, seconds }, markdown, passed: true }];
}

/** Each call: a hold of the next free seat, performances in turn, members in turn. */
function nextHold(seeded: Seeded, ids: UuidV7IdGenerator): () => Reservation {
  let index = 0;
  return () => {
    const i = index++;
    const performance = seeded.performances[i % seeded.performances.length]!;
    const seat = performance.seats[Math.floor(i / seeded.performances.length)];
    if (!seat) throw new Error('out of seats: seed more');
    return Reservation.hold({
      id: ids.next(),
      memberId: seeded.members[i % seeded.members.length]!.id,
      performanceId: performance.id,
      seats: [{ seatId: seat.id, label: seat.label, grade: seat.grade, price: Money.of(100, 'KRW') }],
      now: new Date(),
      holdSeconds: 300,
    });
  };
}
