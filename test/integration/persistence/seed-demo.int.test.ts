import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ManualClock } from '../../../src/adapters/memory/manual-clock';
import { DEMO_PERFORMANCES } from '../../../src/bootstrap/demo-data';
import { seedDemoDatabase } from '../../../src/bootstrap/seed-demo';
import { testDatabaseUrl } from '../../support/environment';
import { useTestDatabase } from '../../support/mysql';

const DAY_MS = 86_400_000;
const admin = { email: 'seed-admin@example.com', password: 'seed-admin-password-123' };
const run = promisify(execFile);

describe('npm run seed:demo', () => {
  const knex = useTestDatabase();

  const performances = async () =>
    (await knex()('performances').select('title', 'venue', 'sales_open_at', 'sales_close_at').orderBy('title')) as {
      title: string;
      venue: string;
      sales_open_at: Date;
      sales_close_at: Date;
    }[];

  it('creates the demo performances, on sale now, with their seats', async () => {
    const clock = new ManualClock(new Date());
    expect(await seedDemoDatabase(knex(), { clock, admin })).toEqual({ created: 3, alreadyOnSale: 0 });

    const rows = await performances();
    expect(rows.map((row) => [row.title, row.venue])).toEqual(
      DEMO_PERFORMANCES.map((demo) => [demo.title, demo.venue]).sort(([a], [b]) => a!.localeCompare(b!)),
    );
    for (const row of rows) {
      expect(row.sales_open_at.getTime()).toBeLessThanOrEqual(clock.now().getTime());
      expect(row.sales_close_at.getTime()).toBeGreaterThan(clock.now().getTime());
    }
    // 5 × 20 + 10 × 20 + 10 × 30 seats each.
    expect(await knex()('seats').count({ n: '*' }).first()).toEqual({ n: 3 * 600 });
  });

  it('creates nothing the second time, through the script as through the function', async () => {
    await seedDemoDatabase(knex(), { admin });
    // Without credentials, the admin the database already has creates them.
    expect(await seedDemoDatabase(knex())).toEqual({ created: 0, alreadyOnSale: 3 });

    const script = await run(process.execPath, ['--import', 'tsx', 'src/bootstrap/seed-demo.ts'], {
      cwd: join(__dirname, '..', '..', '..'),
      env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: testDatabaseUrl },
      timeout: 25_000,
    });
    expect(JSON.parse(script.stdout)).toEqual({ created: 0, alreadyOnSale: 3 });
    expect(await performances()).toHaveLength(3);
  });

  it('refuses to run without an admin, naming the settings that give it one', async () => {
    await expect(seedDemoDatabase(knex())).rejects.toThrow('set ADMIN_EMAIL and ADMIN_PASSWORD');
    expect(await performances()).toEqual([]);
  });

  it('replaces only a demo performance whose sales have closed', async () => {
    const clock = new ManualClock(new Date());
    await seedDemoDatabase(knex(), { clock, admin });
    // Indie Night starts 14 days after seeding; the others are 30 and 45 days out.
    clock.advance(15 * DAY_MS);

    expect(await seedDemoDatabase(knex(), { clock })).toEqual({ created: 1, alreadyOnSale: 2 });
    const titles = (await performances()).map((row) => row.title);
    expect(titles.filter((title) => title === 'Indie Night Live')).toHaveLength(2);
    expect(titles).toHaveLength(4);
  });
});
