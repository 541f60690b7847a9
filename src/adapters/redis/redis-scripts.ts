import { Cluster } from 'ioredis';
import type { RedisClient } from './redis-client';

type Argument = string | number;

/**
 * A Lua script and the keys it may touch. On Redis Cluster a script may only touch keys of
 * one hash slot (else CROSSSLOT), so every script names its KEYS through `keys`, a builder of
 * the keys of one call from what the call is about, and every adapter runs its scripts
 * through `run`, which passes exactly those keys. `examples` are calls a test builds the keys
 * of, to check that they share one slot (test/unit/redis/redis-script-slots.test.ts); every
 * script defined here is registered for that test, whichever adapter defines it.
 */
export interface RedisScript<Subject extends readonly unknown[]> {
  /** The command name ioredis gives the script; unique. */
  readonly name: string;
  readonly lua: string;
  readonly keys: (...subject: Subject) => readonly string[];
  readonly examples: readonly Subject[];
  /** Runs the script with the keys of `subject` and `args` as ARGV (by EVALSHA, EVAL the first time). */
  run<T>(client: RedisClient, subject: Subject, args?: readonly Argument[]): Promise<T>;
  /**
   * Runs the script once per call in `calls` over one pipeline of `client`: one socket write
   * and one read for all of them. Each call's own reply or error settles its own promise (so a
   * NOSCRIPT resent by ioredis answers the call, not the pipeline's slot). On a cluster each
   * call runs by itself: a pipeline there must stay within one slot.
   */
  runEach<T>(client: RedisClient, calls: readonly { subject: Subject; args: readonly Argument[] }[]): Promise<T>[];
}

const registry = new Map<string, RedisScript<readonly unknown[]>>();
/** Clients that know a script already (ioredis sends EVALSHA once it has sent the script). */
const definedOn = new WeakMap<RedisClient, Set<string>>();

export function defineRedisScript<Subject extends readonly unknown[]>(definition: {
  readonly name: string;
  readonly lua: string;
  readonly keys: (...subject: Subject) => readonly string[];
  readonly examples: readonly Subject[];
}): RedisScript<Subject> {
  const defineOn = (client: RedisClient) => {
    let defined = definedOn.get(client);
    if (!defined) definedOn.set(client, (defined = new Set()));
    if (!defined.has(definition.name)) {
      client.defineCommand(definition.name, { lua: definition.lua });
      defined.add(definition.name);
    }
  };
  const script: RedisScript<Subject> = {
    ...definition,
    run<T>(client: RedisClient, subject: Subject, args: readonly Argument[] = []): Promise<T> {
      defineOn(client);
      const keys = definition.keys(...subject);
      const command = (client as unknown as Record<string, (...all: Argument[]) => Promise<T>>)[definition.name]!;
      return command.call(client, keys.length, ...keys, ...args);
    },
    runEach<T>(client: RedisClient, calls: readonly { subject: Subject; args: readonly Argument[] }[]): Promise<T>[] {
      if (calls.length === 1 || client instanceof Cluster) {
        return calls.map((call) => script.run<T>(client, call.subject, call.args));
      }
      // Defined before the pipeline is made: a pipeline takes the client's scripts when created.
      defineOn(client);
      const pipeline = client.pipeline();
      const command = (pipeline as unknown as Record<string, (...all: unknown[]) => unknown>)[definition.name]!;
      const replies = calls.map(
        (call) =>
          new Promise<T>((resolve, reject) => {
            const keys = definition.keys(...call.subject);
            command.call(pipeline, keys.length, ...keys, ...call.args, (error: Error | null, reply: T) =>
              error ? reject(error) : resolve(reply),
            );
          }),
      );
      // Every call is settled by its own callback; the pipeline's summary is not needed.
      pipeline.exec().catch(() => undefined);
      return replies;
    },
  };
  const existing = registry.get(definition.name);
  if (existing && existing.lua !== definition.lua) throw new Error(`Two Redis scripts named ${definition.name}`);
  registry.set(definition.name, script as unknown as RedisScript<readonly unknown[]>);
  return script;
}

/** Every script defined so far (by the modules loaded in this process). */
export function registeredRedisScripts(): readonly RedisScript<readonly unknown[]>[] {
  return [...registry.values()];
}
