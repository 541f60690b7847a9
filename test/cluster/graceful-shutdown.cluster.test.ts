import type { Knex } from 'knex';
import { createKnex } from '../../src/adapters/persistence/knex-client';
import {
  eventually,
  flushClusterRedis,
  freePorts,
  prepareDatabase,
  probe,
  request,
  ServiceProcess,
  stopEverything,
  withTimeout,
} from '../support/cluster';

/** Each sign-up spends one argon2id hash at OWASP cost (~50 ms of CPU): 40 keep the instance busy for ~1 s. */
const SIGN_UPS = 40;
const SHUTDOWN_TIMEOUT_MS = 5_000;
/** After the drain: closing the pools and the process itself. */
const EXIT_MARGIN_MS = 2_000;

/**
 * What a rolling deploy does to an instance: SIGTERM while it works. It must stop taking new
 * work at once, finish what it accepted, close its stores and exit 0 in time.
 */
describe('SIGTERM to an instance with sign-ups in flight', () => {
  let service: ServiceProcess;
  let knex: Knex;

  beforeAll(async () => {
    const databaseUrl = await prepareDatabase('ticketing_cluster_drain');
    await flushClusterRedis();
    const [port] = await freePorts(1);
    service = ServiceProcess.start(port!, {
      DATABASE_URL: databaseUrl,
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      LOG_LEVEL: 'info',
    });
    await service.waitUntilReady();
    knex = createKnex(databaseUrl, { poolMax: 2 });
  }, 60_000);

  afterAll(async () => {
    await stopEverything();
    await knex?.destroy();
  });

  it('stops taking new work, answers every request in flight, and exits 0 within SHUTDOWN_TIMEOUT_MS', async () => {
    const run = Date.now().toString(36);
    const emails = Array.from({ length: SIGN_UPS }, (_, i) => `drain-${run}-${i}@cluster.test`);
    let answered = 0;
    let lastAnswerAt = 0;
    let firstAnswered!: () => void;
    const firstAnswer = new Promise<void>((resolve) => (firstAnswered = resolve));
    const signUps = emails.map((email) =>
      request(service.url, 'POST', '/api/v1/members', {
        body: { email, password: 'a-decent-password-123', name: 'Drain' },
      }).then((response) => {
        answered++;
        lastAnswerAt = Date.now();
        firstAnswered();
        return response;
      }),
    );

    // One answer back means the instance has read every request: hashing queues on the
    // thread pool, parsing does not. The rest are in flight when SIGTERM lands.
    await firstAnswer;
    const sigtermAt = Date.now();
    const pendingAtSigterm = SIGN_UPS - answered;
    service.signal('SIGTERM');

    // A load balancer's probe, on a new connection each time, sees the instance leave at once.
    const unready = await eventually(
      'readiness to drop after SIGTERM',
      async () => {
        const answer = await probe(service.url, '/readyz');
        return answer.status === 200
          ? undefined
          : { ...answer, pendingSignUps: SIGN_UPS - answered, afterMs: Date.now() - sigtermAt };
      },
      { timeoutMs: 3_000, intervalMs: 10 },
    );

    const responses = await Promise.all(signUps);
    const exit = await withTimeout(
      service.exited,
      SHUTDOWN_TIMEOUT_MS + EXIT_MARGIN_MS + 5_000,
      'the instance did not exit',
    );
    console.log(
      JSON.stringify({
        gracefulShutdown: {
          signUps: SIGN_UPS,
          pendingAtSigterm,
          readinessDropped: unready,
          lastAnswerAfterSigtermMs: lastAnswerAt - sigtermAt,
          exitAfterSigtermMs: exit.at - sigtermAt,
        },
      }),
    );

    expect(pendingAtSigterm).toBeGreaterThanOrEqual(SIGN_UPS / 2);
    // Either readiness answered 503 or the listener was already closed: no new work either way.
    expect(unready.status === 503 || ['ECONNREFUSED', 'ECONNRESET'].includes(unready.error ?? '')).toBe(true);
    expect(unready.pendingSignUps).toBeGreaterThan(0);

    // Every request accepted before SIGTERM got its normal answer.
    expect(responses.map((response) => response.error ?? response.status)).toEqual(emails.map(() => 201));
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - sigtermAt).toBeLessThanOrEqual(SHUTDOWN_TIMEOUT_MS + EXIT_MARGIN_MS);
    expect(service.output()).toContain('stopped cleanly');

    // Every 201 is a member in MySQL.
    const rows: { id: string; email: string }[] = await knex('members').whereIn('email', emails).select('id', 'email');
    expect(rows.map((row) => row.id).sort()).toEqual(responses.map((response) => response.body.id as string).sort());
  });
});
