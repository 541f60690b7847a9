import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { recreateDatabase } from './lib/database';
import { TMP_DIR } from './lib/environment';
import { Options } from './lib/options';
import { seed } from './lib/seed-data';

/**
 * `npm run perf:seed -- --database=ticketing_perf --performances=20 --seats=1000 --members=1000`
 * Re-creates the database (service migrations), seeds it, and writes the performance ids,
 * seat ids and member tokens to perf/results/tmp/seed-<database>.json for ad-hoc runs.
 */
async function main(): Promise<void> {
  const options = new Options();
  const database = options.string('database', 'ticketing_perf');
  const started = performance.now();
  await recreateDatabase(database);
  const migratedMs = Math.round(performance.now() - started);
  const seeded = await seed(database, {
    performances: options.number('performances', 20),
    seatsPerPerformance: options.number('seats', 1000),
    members: options.number('members', 0),
  });
  const seats = seeded.performances.reduce((sum, item) => sum + item.seats.length, 0);
  mkdirSync(TMP_DIR, { recursive: true });
  const file = join(TMP_DIR, `seed-${database}.json`);
  writeFileSync(file, JSON.stringify(seeded));
  console.log(
    `${database}: migrated in ${migratedMs} ms; ${seeded.performances.length} performances, ${seats} seats in ${seeded.timings.performancesMs} ms; ` +
      `${seeded.members.length} members in ${seeded.timings.membersMs} ms; tokens in ${seeded.timings.tokensMs} ms → ${file}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
