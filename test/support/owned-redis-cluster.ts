import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OwnedServer, waitUntil } from './owned-servers';

/** The first of six loopback ports (and their cluster bus ports, each + 10000) the cluster takes. */
export const REDIS_CLUSTER_TEST_PORT = Number(process.env['TEST_REDIS_CLUSTER_PORT'] ?? '7101');

/** Every node and client authenticates with it: the password settings are part of what is tested. */
export const REDIS_CLUSTER_TEST_PASSWORD = 'cluster-test-password-0123';

/** redis-cli against one node, with the cluster's password; throws on failure. */
function redisCli(port: number, ...args: string[]): string {
  const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), '--no-auth-warning', ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, REDISCLI_AUTH: REDIS_CLUSTER_TEST_PASSWORD },
  });
  if (result.status !== 0) throw new Error(`redis-cli ${args.join(' ')}: ${result.stderr || result.stdout}`);
  return result.stdout;
}

/** One redis-server in cluster mode, nothing persisted, its cluster state in its own directory. */
export class OwnedClusterNode extends OwnedServer {
  constructor(port: number) {
    super(`redis-${port}`, port, mkdtempSync(join(tmpdir(), `ticketing-redis-cluster-${port}-`)));
  }

  cli(...args: string[]): string {
    return redisCli(this.port, ...args);
  }

  protected command() {
    return {
      file: 'redis-server',
      args: [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(this.directory, 'nodes.conf'),
        // A killed master is judged failed, and its replica elected, within a few seconds.
        '--cluster-node-timeout',
        '1000',
        '--requirepass',
        REDIS_CLUSTER_TEST_PASSWORD,
        '--masterauth',
        REDIS_CLUSTER_TEST_PASSWORD,
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--dir',
        this.directory,
      ],
    };
  }

  protected async ready(): Promise<boolean> {
    return this.cli('PING').trim() === 'PONG';
  }
}

/** A slot range and the ports of the master and replicas that serve it. */
interface SlotRange {
  readonly from: number;
  readonly to: number;
  readonly master: number;
  readonly replicas: readonly number[];
}

/**
 * Six redis-server processes on loopback (three masters, three replicas) joined by
 * `redis-cli --cluster create`, owned by the test: started, killed and stopped at will, and
 * removed with their data at the end (by a watchdog if the test process dies).
 */
export class OwnedRedisCluster {
  private constructor(readonly nodes: readonly OwnedClusterNode[]) {}

  static async start(firstPort = REDIS_CLUSTER_TEST_PORT): Promise<OwnedRedisCluster> {
    const cluster = new OwnedRedisCluster(
      Array.from({ length: 6 }, (_, index) => new OwnedClusterNode(firstPort + index)),
    );
    try {
      await Promise.all(cluster.nodes.map((node) => node.start()));
      cluster.nodes[0]!.cli(
        '--cluster',
        'create',
        ...cluster.nodes.map((node) => `127.0.0.1:${node.port}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      );
      await cluster.waitUntilHealthy(30_000);
      // A replica can take over only once it has synchronised with its master.
      await waitUntil(
        'every replica in sync with its master',
        async () =>
          cluster.nodes
            .map((node) => node.cli('INFO', 'replication'))
            .filter((info) => info.includes('role:slave'))
            .filter((info) => info.includes('master_link_status:up')).length === 3,
        30_000,
      );
    } catch (error) {
      await cluster.dispose();
      throw error;
    }
    return cluster;
  }

  /** host:port of every node, as REDIS_CLUSTER_NODES takes them. */
  get nodesSetting(): string {
    return this.nodes.map((node) => `127.0.0.1:${node.port}`).join(',');
  }

  private get anyRunning(): OwnedClusterNode {
    const node = this.nodes.find((candidate) => candidate.isRunning);
    if (!node) throw new Error('no node of the cluster is running');
    return node;
  }

  /** The slot ranges as the running nodes see them (CLUSTER SHARDS would need Redis 7.0.?; SLOTS is everywhere). */
  slots(): SlotRange[] {
    const lines = this.anyRunning.cli('--raw', 'CLUSTER', 'NODES').trim().split('\n');
    const byId = new Map(lines.map((line) => [line.split(' ')[0]!, line.split(' ')]));
    const ranges: SlotRange[] = [];
    for (const fields of byId.values()) {
      const flags = fields[2]!.split(',');
      if (!flags.includes('master') || flags.includes('fail')) continue;
      const port = Number(fields[1]!.split('@')[0]!.split(':')[1]);
      const replicas = [...byId.values()]
        .filter((other) => other[3] === fields[0] && !other[2]!.includes('fail'))
        .map((other) => Number(other[1]!.split('@')[0]!.split(':')[1]));
      for (const range of fields.slice(8)) {
        if (range.startsWith('[')) continue;
        const [from, to] = range.split('-').map(Number) as [number, number?];
        ranges.push({ from, to: to ?? from, master: port, replicas });
      }
    }
    return ranges;
  }

  /** The node serving `slot` as master, as the cluster says now. */
  masterOf(slot: number): OwnedClusterNode {
    const range = this.slots().find((candidate) => candidate.from <= slot && slot <= candidate.to);
    if (!range) throw new Error(`no master serves slot ${slot}`);
    return this.nodes.find((node) => node.port === range.master)!;
  }

  keySlot(key: string): number {
    return Number(this.anyRunning.cli('CLUSTER', 'KEYSLOT', key).trim());
  }

  /** Until every running node says cluster_state:ok and all 16384 slots are served by live masters. */
  async waitUntilHealthy(timeoutMs: number): Promise<number> {
    return waitUntil(
      'the Redis Cluster healthy',
      async () => {
        for (const node of this.nodes.filter((candidate) => candidate.isRunning)) {
          if (!node.cli('CLUSTER', 'INFO').includes('cluster_state:ok')) return false;
        }
        const covered = this.slots().reduce((sum, range) => sum + range.to - range.from + 1, 0);
        return covered === 16384;
      },
      timeoutMs,
    );
  }

  /** Until a node other than `formerPort` serves `slot` as master and the cluster is healthy again. */
  async waitForFailover(slot: number, formerPort: number, timeoutMs: number): Promise<number> {
    return waitUntil(
      `a replica serving slot ${slot} in place of ${formerPort}`,
      async () => this.masterOf(slot).port !== formerPort && (await this.waitUntilHealthy(1).then(() => true)),
      timeoutMs,
    );
  }

  /** Starts every node that is not running (empty: nothing is persisted) and waits until the cluster is healthy. */
  async restart(timeoutMs = 30_000): Promise<void> {
    await Promise.all(this.nodes.filter((node) => !node.isRunning).map((node) => node.start()));
    await this.waitUntilHealthy(timeoutMs);
  }

  /** Stops every node (SIGTERM). */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
  }

  async dispose(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.dispose()));
  }
}
