import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { redisRateLimiterFactory } from '../../../src/adapters/redis/redis-rate-limiter';
import { registeredRedisScripts } from '../../../src/adapters/redis/redis-scripts';
import type { RedisClient } from '../../../src/adapters/redis/redis-client';
import { hashTag, keySlot } from '../../support/redis-key-slot';

const SRC = join(__dirname, '..', '..', '..', 'src');
const REGISTRY = join(SRC, 'adapters', 'redis', 'redis-scripts.ts');

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const sources = sourceFiles(SRC).map((path) => ({ path, name: relative(SRC, path), text: readFileSync(path, 'utf8') }));

// Every module that defines a script is loaded, whoever wrote it, so the registry holds them all.
for (const source of sources) {
  if (source.path !== REGISTRY && /\bdefineRedisScript\s*[<(]/.test(source.text)) jest.requireActual(source.path);
}
const scripts = registeredRedisScripts();

/**
 * On Redis Cluster a script may only touch keys of one hash slot: anything else is refused
 * with CROSSSLOT, on the hot path of a sale. These checks hold for every script in src/, so a
 * new one (in any adapter) cannot break cluster mode unnoticed.
 */
describe('Redis scripts on a cluster', () => {
  it('computes slots as Redis does', () => {
    // Values from the Redis Cluster specification and `CLUSTER KEYSLOT`.
    expect(keySlot('123456789')).toBe(0x31c3 % 16384);
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'));
    expect(hashTag('foo{}{bar}')).toBe('foo{}{bar}');
    expect(hashTag('foo{{bar}}zap')).toBe('{bar');
  });

  it('finds the scripts of every adapter', () => {
    const names = scripts.map((script) => script.name);
    expect(names).toEqual(expect.arrayContaining(['ticketingHoldSeats', 'ticketingSeatStateApply']));
    expect(new Set(names).size).toBe(names.length);
  });

  it('runs every script through the registry: no file in src/ defines or evaluates Lua past it', () => {
    const direct = sources
      .filter((source) => source.path !== REGISTRY)
      .filter((source) => /\.(defineCommand|evalsha|eval|evalRo|evalshaRo|fcall|fcallRo)\s*\(/.test(source.text))
      .map((source) => source.name);
    expect(direct).toEqual([]);
  });

  it('knows every line of Lua in src/ as part of a registered script', () => {
    const unknown = sources.flatMap((source) =>
      source.text
        .split('\n')
        .filter((line) => /\bredis\.p?call\s*\(/.test(line))
        // The Lua itself, without the template literal's quotes around it.
        .map((line) =>
          line
            .trim()
            .replace(/^[^`]*=\s*`/, '')
            .replace(/`[;,)]*$/, ''),
        )
        .filter((lua) => !scripts.some((script) => script.lua.includes(lua)))
        .map((lua) => `${source.name}: ${lua}`),
    );
    expect(unknown).toEqual([]);
  });

  it.each(scripts.map((script) => [script.name, script] as const))(
    '%s touches keys of one hash slot, named by a hash tag',
    (_name, script) => {
      expect(script.examples.length).toBeGreaterThan(0);
      // A script that reads more than KEYS[1] must be checked on a call with several keys.
      const multiKey = /KEYS\[(?:[2-9]|\d{2,})\]|#KEYS/.test(script.lua);
      const keyCounts = script.examples.map((example) => script.keys(...example).length);
      if (multiKey) expect(Math.max(...keyCounts)).toBeGreaterThan(1);
      for (const example of script.examples) {
        const keys = script.keys(...example);
        expect(keys.length).toBeGreaterThan(0);
        const slots = new Set(keys.map(keySlot));
        expect({ keys, slots: [...slots] }).toEqual({ keys, slots: [keySlot(keys[0]!)] });
        if (keys.length > 1) {
          // The slot comes from a tag, not from luck: every key carries the same non-empty one.
          const tags = new Set(keys.map(hashTag));
          expect(tags.size).toBe(1);
          expect(keys.every((key) => hashTag(key) !== key)).toBe(true);
        }
      }
    },
  );

  it('leaves rate limits to single-key scripts (rate-limiter-flexible), which any slot can serve', () => {
    const defined: { name: string; numberOfKeys?: number }[] = [];
    const recorder = {
      status: 'ready',
      defineCommand: (name: string, definition: { numberOfKeys?: number }) => defined.push({ name, ...definition }),
    } as unknown as RedisClient;
    const factory = redisRateLimiterFactory(recorder);
    for (const name of ['perIp', 'loginPerIp', 'loginFailuresPerEmail'] as const) {
      factory(name, { points: 5, durationSeconds: 60, blockSeconds: 60 });
    }
    expect(defined.length).toBeGreaterThan(0);
    for (const command of defined) expect(command.numberOfKeys).toBe(1);
  });
});
