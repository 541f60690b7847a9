import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { connectRedis, createRedis, isRedisUp } from '../../../src/adapters/redis/redis-client';
import { RedisSeatStateLog } from '../../../src/adapters/redis/redis-seat-state.log';
import { StoreUnavailableError } from '../../../src/application/shared/errors';
import { firstVersionOf } from '../../../src/application/seat-state/seat-state-versions';
import { TEST_REDIS_SERVER_URL, testRedisDb } from '../../support/environment';
import { TcpProxy } from '../../support/tcp-proxy';

const redisServer = new URL(TEST_REDIS_SERVER_URL);

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The applies of one event-loop turn share one pipeline. ioredis's own auto-pipelining threw an
 * error nobody could catch when the connection dropped with a pipeline in flight; here every
 * apply of a cut pipeline must fail on its own, as "store unavailable", and the log must work
 * again once Redis is back.
 */
describe('RedisSeatStateLog when the connection drops with a batch of applies in flight', () => {
  let proxy: TcpProxy;
  let redis: Redis;

  beforeEach(async () => {
    proxy = await TcpProxy.start({ host: redisServer.hostname, port: Number(redisServer.port || 6379) });
    redis = createRedis(`redis://127.0.0.1:${proxy.port}/${testRedisDb}`, { commandTimeoutMs: 2_000 });
    redis.on('error', () => {});
    await connectRedis(redis);
  });
  afterEach(async () => {
    redis.disconnect();
    await proxy.stop();
  });

  it('fails each apply of the cut batch as store unavailable, and applies again after the outage', async () => {
    const log = new RedisSeatStateLog(redis, () => createRedis(`redis://127.0.0.1:${proxy.port}/${testRedisDb}`), {
      retainedChanges: 20,
    });
    const performanceId = randomUUID();
    const token = await log.beginRebuild(performanceId, 5_000, false);
    expect(await log.install(performanceId, token!, firstVersionOf(0), [])).toBe(true);

    proxy.stall();
    const cut = Array.from({ length: 8 }, () =>
      log.apply(performanceId, { kind: 'hold', reservationId: randomUUID(), seatIds: [randomUUID()] }).then(
        () => 'answered',
        (error: unknown) => error,
      ),
    );
    // The batch goes out at the end of this turn; then the connection dies under it.
    await new Promise((resolve) => setImmediate(resolve));
    await proxy.stop();
    const outcomes = await Promise.all(cut);
    for (const outcome of outcomes) expect(outcome).toBeInstanceOf(StoreUnavailableError);

    await proxy.restart();
    await waitFor(() => isRedisUp(redis), 5_000);
    const seat = randomUUID();
    const version = await log.apply(performanceId, { kind: 'hold', reservationId: randomUUID(), seatIds: [seat] });
    expect(version).toEqual(expect.any(Number));
    expect((await log.read(performanceId))!.taken.get(seat)).toBe('HELD');
  });
});
