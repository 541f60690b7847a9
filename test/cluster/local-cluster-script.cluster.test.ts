import { existsSync } from 'node:fs';
import {
  answeredBy,
  eventually,
  flushClusterRedis,
  freeConsecutivePorts,
  freePorts,
  isListening,
  prepareDatabase,
  request,
  signalTracked,
  spawnTracked,
  stopEverything,
  Tracked,
  withTimeout,
  CLUSTER_REDIS_URL,
} from '../support/cluster';

const INSTANCES = 2;
const SHUTDOWN_TIMEOUT_MS = 3_000;

/** What a person gets from `npm run cluster:local`: a working cluster, and nothing left after Ctrl-C. */
describe('scripts/local-cluster.sh', () => {
  let script: Tracked;

  afterAll(async () => {
    // On failure the script may have left its children: its whole process group goes.
    if (script) signalTracked(script, 'SIGKILL');
    await stopEverything();
  });

  it('serves through nginx across its instances and stops all of them on SIGTERM', async () => {
    const databaseUrl = await prepareDatabase('ticketing_cluster_script');
    await flushClusterRedis();
    const basePort = await freeConsecutivePorts(INSTANCES);
    const [nginxPort] = await freePorts(1);
    const instancePorts = Array.from({ length: INSTANCES }, (_, i) => basePort + i);

    script = spawnTracked(
      'bash',
      ['scripts/local-cluster.sh'],
      {
        CLUSTER_INSTANCES: String(INSTANCES),
        CLUSTER_BASE_PORT: String(basePort),
        CLUSTER_NGINX_PORT: String(nginxPort),
        // The global setup has just built dist/.
        CLUSTER_SKIP_BUILD: '1',
        DATABASE_URL: databaseUrl,
        REDIS_URL: CLUSTER_REDIS_URL,
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
        LOG_LEVEL: 'warn',
      },
      { detached: true },
    );
    let exit: Awaited<Tracked['exited']> | undefined;
    void script.exited.then((info) => (exit = info));

    const url = `http://127.0.0.1:${nginxPort}`;
    await eventually(
      'the script to print its URL',
      async () => {
        if (exit) throw new Error(`the script exited (${exit.code ?? exit.signal}):\n${script.output()}`);
        return script.output().includes(`Ticketing cluster: ${url}`) ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const logDirectory = /logs:\s+(\S+)\/app-\*\.log/.exec(script.output())?.[1];
    expect(logDirectory).toBeDefined();

    // nginx spreads requests over every instance; the script's default admin can log in.
    const answers = await Promise.all(Array.from({ length: 2 * INSTANCES }, () => request(url, 'GET', '/readyz')));
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    expect(new Set(answers.map(answeredBy))).toEqual(new Set(instancePorts.map((port) => `127.0.0.1:${port}`)));
    const login = await request(url, 'POST', '/api/v1/auth/login', {
      body: { email: 'admin@cluster.local', password: 'local-cluster-admin' },
    });
    expect(login.status).toBe(200);

    // To the script alone, as `kill` or a supervisor would: it must stop what it started itself.
    script.child.kill('SIGTERM');
    const stopped = await withTimeout(script.exited, SHUTDOWN_TIMEOUT_MS + 10_000, 'the script did not stop');
    expect(stopped).toMatchObject({ code: 0, signal: null });
    // Nothing it started is left listening, and its temp directory is gone.
    for (const port of [...instancePorts, nginxPort!]) expect(await isListening(port)).toBe(false);
    expect(existsSync(logDirectory!)).toBe(false);
  }, 60_000);
});
