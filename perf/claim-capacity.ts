/**
 * `npx tsx perf/claim-capacity.ts [--seconds=10] [--connections=50,200]`: how many seat claims
 * one MariaDB primary commits per second with the service's claim (reservation-claim-batch.ts:
 * BEGIN; the reservation; its seat; the member's count; COMMIT, in one round trip), at each
 * number of connections in flight. No HTTP and no Redis: the database alone, the input of
 * deploy/SCALING.md. Every claim takes a seat nobody holds (no conflicts: the winners' path),
 * one seat per reservation, members spread so that their count rows do not queue.
 *
 * It works in its own database (ticketing_perf_claims, or PERF_CLAIM_DATABASE), dropped
 * and re-created; it prints one line per connection count and the machine's load average,
 * and writes nothing else.
 */
import { loadavg } from 'node:os';
import { createPool } from 'mysql2/promise';
import { claimBatch } from '../src/adapters/persistence/reservation-claim-batch';
import { UuidV7IdGenerator } from '../src/adapters/system/uuid-v7.id-generator';
import { recreateDatabase } from './lib/database';
import { databaseUrl } from './lib/environment';
import { seed } from './lib/seed-data';

const argument = (name: string, fallback: string) =>
  process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const SECONDS = Number(argument('seconds', '10'));
const CONNECTIONS = argument('connections', '50,200').split(',').map(Number);
const DATABASE = process.env['PERF_CLAIM_DATABASE'] ?? 'ticketing_perf_claims';
const MEMBERS = 5_000;
const SEATS_PER_RUN = 40_000;

async function main(): Promise<void> {
  await recreateDatabase(DATABASE);
  const seeded = await seed(DATABASE, {
    performances: CONNECTIONS.length,
    seatsPerPerformance: SEATS_PER_RUN,
    members: MEMBERS,
  });
  const ids = new UuidV7IdGenerator();
  console.log(`claim capacity of one MariaDB primary, ${SECONDS} s per run; load average before: ${load()}`);
  for (const [run, connections] of CONNECTIONS.entries()) {
    const hall = seeded.performances[run]!;
    const pool = createPool({
      uri: databaseUrl(DATABASE),
      connectionLimit: connections,
      multipleStatements: true,
      timezone: 'Z',
      supportBigNumbers: true,
    });
    // Every connection opened before the clock starts.
    await Promise.all(Array.from({ length: connections }, () => pool.query('SELECT 1')));
    let next = 0;
    let committed = 0;
    let failed = 0;
    const latencies: number[] = [];
    const deadline = hall.seats.length > 0 ? Date.now() + SECONDS * 1000 : 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (Date.now() < deadline && next < hall.seats.length) {
          const seat = hall.seats[next]!;
          const member = seeded.members[next % MEMBERS]!;
          next++;
          const now = new Date();
          const id = ids.next();
          const batch = claimBatch(
            {
              id,
              member_id: member.id,
              performance_id: hall.id,
              status: 'PENDING',
              total_price: 90_000,
              currency: 'KRW',
              created_at: now,
              expires_at: new Date(now.getTime() + 300_000),
              confirmed_at: null,
              cancelled_at: null,
              version: 1,
            },
            [
              {
                reservation_id: id,
                seat_id: seat.id,
                performance_id: hall.id,
                label: seat.label,
                grade: seat.grade,
                price: 90_000,
                active_seat_id: seat.id,
                position: 0,
              },
            ],
            1_000,
          );
          const sent = performance.now();
          try {
            await pool.query(batch.sql, batch.values);
            committed++;
            latencies.push(performance.now() - sent);
          } catch {
            failed++;
          }
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    await pool.end();
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
    console.log(
      `${connections} connections: ${(committed / seconds).toFixed(0)} claims/s (${committed} committed, ${failed} failed in ${seconds.toFixed(1)} s), ` +
        `p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms; load average ${load()}`,
    );
  }
}

function load(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
