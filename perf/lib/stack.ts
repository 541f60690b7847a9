import { CpuMeter, pidsNamed } from './cpu';
import { flushPerfRedis, recreateDatabase } from './database';
import { seed, Seeded, SeedOptions } from './seed-data';
import { startLeanReference, startNginx, startService, Target } from './services';

export type Topology = 'service' | 'lean' | 'nginx-1' | 'nginx-2';

export interface StackOptions {
  readonly database: string;
  readonly seed: SeedOptions;
  readonly topology?: Topology;
  /** Service environment on top of the defaults (CACHE_ENABLED, OTEL_*, DATABASE_POOL_MAX…). */
  readonly env?: Record<string, string>;
  readonly port?: number;
}

/** What a scenario runs against: fresh data, the target process(es), and a CPU meter over all of it. */
export interface Stack {
  readonly database: string;
  readonly url: string;
  readonly seeded: Seeded;
  readonly topology: Topology;
  readonly meter: CpuMeter;
  stop(): Promise<void>;
}

/**
 * A fresh ticketing_perf* database (migrated by the service's own migrations, then seeded),
 * an empty Redis db 14, and the target started on loopback.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const topology = options.topology ?? 'service';
  const port = options.port ?? 3901;
  // The service under test migrates the empty database itself (MIGRATE_ON_START), so its
  // schema is always its own; the data is seeded once it is up.
  await recreateDatabase(options.database, { migrate: topology === 'lean' });
  await flushPerfRedis();
  const started: Target[] = [];
  const stopAll = async () => {
    for (const target of started.reverse()) await target.stop();
  };
  try {
    const service = (offset: number) =>
      startService({ port: port + offset, database: options.database, env: options.env ?? {} });
    let front: Target;
    if (topology === 'lean') {
      front = await startLeanReference({ port, database: options.database, env: options.env ?? {} });
      started.push(front);
    } else if (topology === 'service') {
      front = await service(0);
      started.push(front);
    } else {
      const instances = topology === 'nginx-2' ? 2 : 1;
      for (let index = 1; index <= instances; index++) started.push(await service(index));
      front = await startNginx(port, [...started]);
      started.push(front);
    }
    const byName = (prefix: string) => () =>
      started.filter((target) => target.name.startsWith(prefix)).flatMap((target) => target.pids());
    const meter = new CpuMeter({
      generator: () => [process.pid],
      service: byName(topology === 'lean' ? 'lean' : 'service'),
      ...(topology.startsWith('nginx') ? { nginx: byName('nginx') } : {}),
      mariadbd: () => pidsNamed('mariadbd'),
      'redis-server': () => pidsNamed('redis-server'),
    });
    const seeded = await seed(options.database, options.seed);
    console.log(
      `seeded ${options.seed.performances} × ${options.seed.seatsPerPerformance} seats and ${options.seed.members} members ` +
        `(${seeded.timings.performancesMs} ms + ${seeded.timings.membersMs} ms + tokens ${seeded.timings.tokensMs} ms)`,
    );
    return { database: options.database, url: front.url, seeded, topology, meter, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
