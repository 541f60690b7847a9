import { Cluster } from 'ioredis';
import { createRedis, duplicateRedis, openRedis, type RedisClient } from '../../../src/adapters/redis/redis-client';

const clients: RedisClient[] = [];
const keep = <T extends RedisClient>(client: T): T => {
  clients.push(client);
  return client;
};
// Every client here is lazy: none ever connects.
afterAll(() => clients.forEach((client) => client.disconnect()));

describe('Redis clients from the settings', () => {
  it('turns TLS on for rediss:// or REDIS_TLS, and takes the password from the URL before REDIS_PASSWORD', () => {
    expect(keep(createRedis('rediss://cache.internal:6380/0')).options.tls).toEqual({});
    expect(keep(createRedis('redis://cache.internal:6379/0')).options.tls).toBeUndefined();
    expect(keep(createRedis('redis://cache.internal:6379/0', { tls: true })).options.tls).toEqual({});
    const fromSettings = keep(createRedis('redis://cache.internal:6379/0', { username: 'app', password: 'p1' }));
    expect([fromSettings.options.username, fromSettings.options.password]).toEqual(['app', 'p1']);
    expect(keep(createRedis('redis://:from-url@cache.internal:6379/0', { password: 'p1' })).options.password).toBe(
      'from-url',
    );
  });

  it('opens a cluster client with the password and TLS on every node, failing fast while a node is down', () => {
    const cluster = keep(
      openRedis({
        kind: 'cluster',
        nodes: [
          { host: 'node-1.internal', port: 7000 },
          { host: 'node-2.internal', port: 7001 },
        ],
        password: 's3cret',
        tls: true,
      }),
    );
    expect(cluster).toBeInstanceOf(Cluster);
    const options = (cluster as Cluster).options;
    expect(options.redisOptions).toMatchObject({ password: 's3cret', tls: {}, commandTimeout: 500 });
    expect(options).toMatchObject({ enableOfflineQueue: false, retryDelayOnFailover: 0, retryDelayOnClusterDown: 0 });
    // Nodes are reached by the names the cluster announces, so TLS can verify them.
    expect(options.dnsLookup).toBeDefined();
  });

  it('duplicates a client for blocking reads with the same credentials and a longer timeout', () => {
    const cluster = keep(
      openRedis({ kind: 'cluster', nodes: [{ host: 'n', port: 7000 }], password: 'pw', tls: false }),
    );
    const reader = keep(duplicateRedis(cluster, { commandTimeoutMs: 7_000 }));
    expect(reader).toBeInstanceOf(Cluster);
    expect((reader as Cluster).options.redisOptions).toMatchObject({ password: 'pw', commandTimeout: 7_000 });
    const single = keep(openRedis({ kind: 'single', url: 'redis://h:6379/3', password: 'pw', tls: false }));
    const singleReader = keep(duplicateRedis(single, { commandTimeoutMs: 7_000 }));
    expect(singleReader.options).toMatchObject({ password: 'pw', db: 3, commandTimeout: 7_000 });
  });
});
