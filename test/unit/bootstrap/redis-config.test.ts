import { ConfigError, loadConfig } from '../../../src/bootstrap/config';

const DATABASE_URL = 'mysql://root@127.0.0.1:3306/ticketing';

function redisOf(env: Record<string, string>) {
  const config = loadConfig({ DATABASE_URL, ...env });
  if (config.storage.kind !== 'external') throw new Error('expected external stores');
  return config.storage.redis;
}

describe('configuration of Redis: one server or a cluster', () => {
  it('reads REDIS_URL as one server, TLS off unless rediss:// or REDIS_TLS says so', () => {
    expect(redisOf({ REDIS_URL: 'redis://127.0.0.1:6379/0' })).toEqual({
      kind: 'single',
      url: 'redis://127.0.0.1:6379/0',
      tls: false,
    });
    expect(redisOf({ REDIS_URL: 'rediss://cache.internal:6380/0', REDIS_TLS: 'true' })).toMatchObject({ tls: true });
  });

  it('reads REDIS_CLUSTER_NODES as a cluster, with the password, username and TLS settings', () => {
    expect(
      redisOf({
        REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7001,cache-3.internal:7002',
        REDIS_USERNAME: 'ticketing',
        REDIS_PASSWORD: 's3cret',
        REDIS_TLS: 'true',
        REDIS_TLS_CA_FILE: '/etc/ssl/redis-ca.pem',
      }),
    ).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: 'cache-3.internal', port: 7002 },
      ],
      username: 'ticketing',
      password: 's3cret',
      tls: true,
      tlsCaFile: '/etc/ssl/redis-ca.pem',
    });
  });

  it('refuses REDIS_URL together with REDIS_CLUSTER_NODES, naming both and never the password', () => {
    const load = () =>
      loadConfig({
        DATABASE_URL,
        REDIS_URL: 'redis://:hunter2@127.0.0.1:6379/0',
        REDIS_CLUSTER_NODES: '127.0.0.1:7000',
      });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/Set REDIS_URL .* or REDIS_CLUSTER_NODES .*, not both/);
    expect(load).not.toThrow(/hunter2/);
  });

  it('refuses malformed cluster nodes, and a cluster without a database', () => {
    for (const nodes of ['127.0.0.1', '127.0.0.1:', 'a:1,,b:2', '127.0.0.1:70000', 'redis://127.0.0.1:7000']) {
      expect(() => loadConfig({ DATABASE_URL, REDIS_CLUSTER_NODES: nodes })).toThrow(ConfigError);
    }
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7000' })).toThrow(/DATABASE_URL/);
  });

  it('keeps the embedded default when neither store is set', () => {
    expect(loadConfig({}).storage).toEqual({ kind: 'embedded' });
  });
});
