import { randomUUID } from 'node:crypto';
import type { SeatClaimSource } from '../../src/application/seat-state/ports/seat-claims';
import type {
  ClaimedSeat,
  SeatStateEntry,
  SeatStateLog,
  TakenStatus,
} from '../../src/application/seat-state/ports/seat-state-log';
import { SeatStateRebuilder } from '../../src/application/seat-state/seat-state-rebuilder';
import { SeatStateRecorder } from '../../src/application/seat-state/seat-state-recorder';
import {
  type LiveSeatState,
  type SeatChangeBatch,
  SeatStateView,
  type SeatStreamSubscriber,
} from '../../src/application/seat-state/seat-state-view';
import { EPOCH_SPAN, firstVersionOf } from '../../src/application/seat-state/seat-state-versions';

export interface SeatStateLogFixture {
  /** A log retaining at least `retainedChanges` entries per performance. */
  readonly log: SeatStateLog;
  readonly retainedChanges: number;
  /** Loses every state, as FLUSHDB (Redis) or a restart (memory) would. */
  forget(): Promise<void>;
}

/** MySQL as the rebuild sees it: claims set by the test, epochs counted. */
class FakeTruth implements SeatClaimSource {
  readonly claims = new Map<string, ClaimedSeat[]>();
  readonly #epochs = new Map<string, number>();
  async activeClaims(performanceId: string) {
    return this.claims.get(performanceId) ?? [];
  }
  async nextEpoch(performanceId: string) {
    const epoch = this.#epochs.has(performanceId) ? this.#epochs.get(performanceId)! + 1 : 0;
    this.#epochs.set(performanceId, epoch);
    return epoch;
  }
}

/** A stream client that applies what it is sent, as a browser would. */
class RecordingSubscriber implements SeatStreamSubscriber {
  readonly events: { kind: 'snapshot' | 'changes'; version: number }[] = [];
  state = new Map<string, TakenStatus>();
  version = 0;
  closed = false;
  #waiters: (() => void)[] = [];
  snapshot(state: LiveSeatState) {
    this.events.push({ kind: 'snapshot', version: state.version });
    this.state = new Map(state.taken);
    this.version = state.version;
    this.wake();
  }
  changes(batch: SeatChangeBatch) {
    this.events.push({ kind: 'changes', version: batch.version });
    for (const seat of batch.seats) {
      if (seat.status === 'AVAILABLE') this.state.delete(seat.id);
      else this.state.set(seat.id, seat.status);
    }
    this.version = batch.version;
    this.wake();
  }
  ping() {}
  close() {
    this.closed = true;
  }
  /** Resolves once the client is at `version` or past it (fails the test after 3 s). */
  async reach(version: number): Promise<void> {
    const deadline = Date.now() + 3_000;
    while (this.version < version) {
      if (Date.now() > deadline) throw new Error(`stuck at version ${this.version}, waiting for ${version}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }
  private wake() {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }
}

/** Polls `condition` every 10 ms until it holds, failing after 3 s. */
async function eventually(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const statusOf = (seats: readonly { id: string; status: string }[]) =>
  Object.fromEntries(seats.map((seat) => [seat.id, seat.status]));

/** What the versioned seat state must do, on Redis and in memory alike. */
export function seatStateLogContract(
  name: string,
  makeFixture: () => SeatStateLogFixture | Promise<SeatStateLogFixture>,
) {
  describe(`${name}: the seat-state log`, () => {
    let fixture: SeatStateLogFixture;
    let log: SeatStateLog;
    let performanceId: string;
    const [r1, r2] = [randomUUID(), randomUUID()];
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];

    /** Builds the state of a fresh performance from no claims: version 1, as a first use does. */
    const build = async (claims: ClaimedSeat[] = [], epoch = 0) => {
      const token = await log.beginRebuild(performanceId, 5_000, false);
      expect(token).toEqual(expect.any(String));
      expect(await log.install(performanceId, token!, firstVersionOf(epoch), claims)).toBe(true);
    };
    const changesAfter = async (version: number): Promise<SeatStateEntry[]> =>
      log.range(performanceId, version, Number.MAX_SAFE_INTEGER);

    beforeEach(async () => {
      fixture = await makeFixture();
      log = fixture.log;
      performanceId = randomUUID();
    });

    it('has no state for a performance nobody built: changes answer "missing"', async () => {
      expect(await log.read(performanceId)).toBeNull();
      expect(await log.apply(performanceId, { kind: 'hold', reservationId: r1, seatIds: [a] })).toBe('missing');
    });

    it('installs the claims of the truth at the first version of the epoch, with a reset entry', async () => {
      await build([{ seatId: a, reservationId: r1, status: 'RESERVED' }]);
      expect(await log.read(performanceId)).toEqual({ version: 1, taken: new Map([[a, 'RESERVED']]) });
      expect(await changesAfter(0)).toEqual([{ version: 1, kind: 'reset', seats: [] }]);
    });

    it('counts one version per visible change and logs the seats with their new status', async () => {
      await build();
      expect(await log.apply(performanceId, { kind: 'hold', reservationId: r1, seatIds: [a, b] })).toBe(2);
      expect(await log.apply(performanceId, { kind: 'confirm', reservationId: r1, seatIds: [a, b] })).toBe(3);
      expect(await log.apply(performanceId, { kind: 'release', reservationId: r1, seatIds: [a, b] })).toBe(4);
      const entries = await changesAfter(1);
      expect(entries.map((entry) => [entry.version, entry.kind, statusOf(entry.seats)])).toEqual([
        [2, 'changes', { [a]: 'HELD', [b]: 'HELD' }],
        [3, 'changes', { [a]: 'RESERVED', [b]: 'RESERVED' }],
        [4, 'changes', { [a]: 'AVAILABLE', [b]: 'AVAILABLE' }],
      ]);
      expect(await log.read(performanceId)).toEqual({ version: 4, taken: new Map() });
    });

    it('answers applies asked for together (one pipeline in Redis) each with its own version, in the order asked', async () => {
      await build();
      const unbuilt = randomUUID();
      const seats = Array.from({ length: 12 }, () => randomUUID());
      const answers = await Promise.all([
        ...seats.map((seat) => log.apply(performanceId, { kind: 'hold', reservationId: r1, seatIds: [seat] })),
        log.apply(unbuilt, { kind: 'hold', reservationId: r2, seatIds: [a] }),
        log.apply(performanceId, { kind: 'release', reservationId: r1, seatIds: [seats[0]!] }),
      ]);
      expect(answers).toEqual([...seats.map((_seat, index) => 2 + index), 'missing', 14]);
      const entries = await changesAfter(1);
      expect(entries.map((entry) => [entry.version, statusOf(entry.seats)])).toEqual([
        ...seats.map((seat, index) => [2 + index, { [seat]: 'HELD' }]),
        [14, { [seats[0]!]: 'AVAILABLE' }],
      ]);
    });

    it('does not count a change that changes nothing (a repeat, another holder letting go)', async () => {
      await build();
      expect(await log.apply(performanceId, { kind: 'hold', reservationId: r1, seatIds: [a] })).toBe(2);
      expect(await log.apply(performanceId, { kind: 'hold', reservationId: r1, seatIds: [a] })).toBe(2);
      expect(await log.apply(performanceId, { kind: 'release', reservationId: r2, seatIds: [a] })).toBe(2);
      expect(await log.apply(performanceId, { kind: 'release', reservationId: r2, seatIds: [c] })).toBe(2);
      expect(await log.read(performanceId)).toEqual({ version: 2, taken: new Map([[a, 'HELD']]) });
    });

    it('applies by holder: a late release of the previous holder leaves the new hold alone', async () => {
      await build([{ seatId: a, reservationId: r1, status: 'HELD' }]);
      // In MySQL r1 let go of seat a, then r2 took it; their writes reach the log the other way round.
      await log.apply(performanceId, { kind: 'hold', reservationId: r2, seatIds: [a] });
      await log.apply(performanceId, { kind: 'release', reservationId: r1, seatIds: [a] });
      expect((await log.read(performanceId))!.taken).toEqual(new Map([[a, 'HELD']]));
      await log.apply(performanceId, { kind: 'confirm', reservationId: r1, seatIds: [a] });
      expect((await log.read(performanceId))!.taken).toEqual(new Map([[a, 'HELD']]));
      await log.apply(performanceId, { kind: 'confirm', reservationId: r2, seatIds: [a] });
      expect((await log.read(performanceId))!.taken).toEqual(new Map([[a, 'RESERVED']]));
    });

    it('fences writers during a rebuild: "missing" until the install, one rebuild at a time', async () => {
      await build();
      expect(await log.beginRebuild(performanceId, 5_000, false)).toBeNull();
      const token = await log.beginRebuild(performanceId, 5_000, true);
      expect(token).toEqual(expect.any(String));
      expect(await log.beginRebuild(performanceId, 5_000, true)).toBeNull();
      expect(await log.apply(performanceId, { kind: 'hold', reservationId: r1, seatIds: [a] })).toBe('missing');
      expect(await log.read(performanceId)).toBeNull();
      expect(await log.install(performanceId, 'not-the-token', firstVersionOf(1), [])).toBe(false);
      expect(await log.install(performanceId, token!, firstVersionOf(1), [])).toBe(true);
      expect(await log.apply(performanceId, { kind: 'hold', reservationId: r1, seatIds: [a] })).toBe(EPOCH_SPAN + 2);
    });

    it('never installs a state older than the one present', async () => {
      await build([], 3);
      const token = await log.beginRebuild(performanceId, 5_000, true);
      expect(await log.install(performanceId, token!, firstVersionOf(2), [])).toBe(false);
    });

    it('reads the entries after a version at once, or waits for the next one', async () => {
      await build();
      const reader = log.openReader(performanceId);
      try {
        expect((await reader.next(0, 0)).map((entry) => entry.version)).toEqual([1]);
        expect(await reader.next(1, 0)).toEqual([]);
        const waiting = reader.next(1, 3_000);
        await new Promise((resolve) => setTimeout(resolve, 20));
        await log.apply(performanceId, { kind: 'hold', reservationId: r1, seatIds: [c] });
        expect(await waiting).toEqual([{ version: 2, kind: 'changes', seats: [{ id: c, status: 'HELD' }] }]);
        const started = Date.now();
        expect(await reader.next(2, 100)).toEqual([]);
        expect(Date.now() - started).toBeGreaterThanOrEqual(90);
      } finally {
        await reader.close();
      }
    });

    it('retains at least the configured number of changes, contiguous up to the newest', async () => {
      await build();
      const total = fixture.retainedChanges * 3;
      for (let index = 0; index < total; index++) {
        const kind = index % 2 === 0 ? 'hold' : 'release';
        await log.apply(performanceId, { kind, reservationId: r1, seatIds: [a] });
      }
      const newest = total + 1;
      const retained = await changesAfter(newest - fixture.retainedChanges);
      expect(retained.map((entry) => entry.version)).toEqual(
        Array.from({ length: fixture.retainedChanges }, (_, index) => newest - fixture.retainedChanges + 1 + index),
      );
    });

    it('forgets everything when the store is lost', async () => {
      await build();
      await log.apply(performanceId, { kind: 'hold', reservationId: r1, seatIds: [a] });
      await fixture.forget();
      expect(await log.read(performanceId)).toBeNull();
      expect(await log.apply(performanceId, { kind: 'release', reservationId: r1, seatIds: [a] })).toBe('missing');
    });

    describe('with the recorder, the rebuilder and a view', () => {
      let truth: FakeTruth;
      let rebuilder: SeatStateRebuilder;
      let recorder: SeatStateRecorder;
      let view: SeatStateView;
      const failures: unknown[] = [];

      beforeEach(() => {
        truth = new FakeTruth();
        rebuilder = new SeatStateRebuilder(log, truth);
        recorder = new SeatStateRecorder(log, rebuilder, (error) => failures.push(error));
        view = new SeatStateView(
          log,
          rebuilder,
          truth,
          { takenSeats: async () => new Map() },
          { heartbeatMs: 60_000, maxStreams: 2, batchMs: 0, retentionChanges: 100, retentionMs: 60_000, blockMs: 500 },
        );
      });
      afterEach(() => view.close());

      /** Records a change committed to the (fake) truth. */
      const commit = async (kind: 'hold' | 'confirm' | 'release', reservationId: string, seatIds: string[]) => {
        const claims = (truth.claims.get(performanceId) ?? []).filter(
          (claim) => !(seatIds.includes(claim.seatId) && kind !== 'hold'),
        );
        if (kind !== 'release') {
          for (const seatId of seatIds) {
            const status = kind === 'hold' ? 'HELD' : 'RESERVED';
            const index = claims.findIndex((claim) => claim.seatId === seatId);
            if (index >= 0) claims.splice(index, 1);
            claims.push({ seatId, reservationId, status });
          }
        }
        truth.claims.set(performanceId, claims);
        await recorder.record(performanceId, { kind, reservationId, seatIds });
      };

      it('builds the state from the truth on first use, and the view serves it with its version', async () => {
        truth.claims.set(performanceId, [{ seatId: b, reservationId: r2, status: 'RESERVED' }]);
        // Committed before the state existed: the rebuild reads it from the truth, and the
        // recorder's write after the rebuild changes nothing more.
        await commit('hold', r1, [a]);
        expect(failures).toEqual([]);
        const current = await view.current(performanceId, new Date());
        expect(current).toEqual(
          expect.objectContaining({
            version: 1,
            taken: new Map([
              [b, 'RESERVED'],
              [a, 'HELD'],
            ]),
          }),
        );
        expect(view.takenAmong(performanceId, [a, b, c])!.sort()).toEqual([a, b].sort());
      });

      it('streams a snapshot, then every change, each version above the last', async () => {
        const client = new RecordingSubscriber();
        await view.subscribe(performanceId, undefined, client);
        expect(client.events).toEqual([{ kind: 'snapshot', version: 1 }]);
        await commit('hold', r1, [a, b]);
        await commit('confirm', r1, [a]);
        await commit('release', r1, [b]);
        await client.reach(4);
        expect(client.state).toEqual(new Map([[a, 'RESERVED']]));
        const versions = client.events.map((event) => event.version);
        expect(versions).toEqual([...versions].sort((x, y) => x - y));
        expect(new Set(versions).size).toBe(versions.length);
        expect((await view.current(performanceId, new Date())).taken).toEqual(client.state);
      });

      it('resumes from the latest version a client saw, with only the changes after it', async () => {
        const first = new RecordingSubscriber();
        const subscription = await view.subscribe(performanceId, undefined, first);
        await commit('hold', r1, [a]);
        await first.reach(2);
        subscription.cancel();
        await commit('hold', r2, [b]);
        await commit('confirm', r1, [a]);
        // The view has read both changes, so the resumed client gets them as one event.
        await eventually(async () => (await view.current(performanceId, new Date())).version === 4);

        const resumed = new RecordingSubscriber();
        resumed.state = new Map(first.state);
        resumed.version = first.version;
        await view.subscribe(performanceId, first.version, resumed);
        await resumed.reach(4);
        expect(resumed.events[0]).toEqual({ kind: 'changes', version: 4 });
        expect(resumed.state).toEqual(
          new Map([
            [a, 'RESERVED'],
            [b, 'HELD'],
          ]),
        );
      });

      it('sends a fresh snapshot when the log lost the state, rebuilt from the truth under a new epoch', async () => {
        const client = new RecordingSubscriber();
        await view.subscribe(performanceId, undefined, client);
        await commit('hold', r1, [a]);
        await client.reach(2);
        await fixture.forget();
        await commit('hold', r2, [b]);
        await client.reach(EPOCH_SPAN);
        expect(client.events.at(-1)!.kind).toBe('snapshot');
        expect(client.version).toBeGreaterThan(EPOCH_SPAN);
        expect(client.state).toEqual(
          new Map([
            [a, 'HELD'],
            [b, 'HELD'],
          ]),
        );
      });

      it('refuses streams beyond the cap, and closes them all when it closes', async () => {
        const clients = [new RecordingSubscriber(), new RecordingSubscriber()];
        for (const client of clients) await view.subscribe(performanceId, undefined, client);
        await expect(view.subscribe(performanceId, undefined, new RecordingSubscriber())).rejects.toMatchObject({
          code: 'TOO_MANY_STREAMS',
        });
        await view.close();
        expect(clients.map((client) => client.closed)).toEqual([true, true]);
      });
    });
  });
}
