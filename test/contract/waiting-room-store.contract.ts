import { randomUUID } from 'node:crypto';
import type { QueueView, WaitingRoomStore } from '../../src/application/admission/ports/waiting-room-store';
import type { QueueSchedule } from '../../src/domain/admission/waiting-room';
import { MINUTE, SECOND } from '../../testkit/time';

/** Every time is given to the store, so both adapters run on a time the test moves. */
const T0 = Date.UTC(2030, 0, 1);

function room(overrides: Partial<QueueSchedule> = {}): QueueSchedule {
  return {
    performanceId: randomUUID(),
    opensAtMs: T0 + MINUTE,
    closesAtMs: T0 + 24 * 60 * MINUTE,
    admitPerMinute: 60,
    admissionMs: 10 * MINUTE,
    abandonMs: MINUTE,
    ...overrides,
  };
}

const members = (count: number) => Array.from({ length: count }, () => randomUUID());

export function describeWaitingRoomStoreContract(name: string, makeStore: () => WaitingRoomStore): void {
  describe(`${name} (WaitingRoomStore contract)`, () => {
    let store: WaitingRoomStore;
    beforeEach(() => {
      store = makeStore();
    });

    /** Polls every member at `nowMs`; returns the views. */
    const pollAll = async (schedule: QueueSchedule, ids: readonly string[], nowMs: number) =>
      Promise.all(ids.map((id) => store.poll(schedule, id, nowMs)));
    const position = (view: QueueView) => (view.state === 'WAITING' ? view.position : undefined);

    it('joins once: 201-like created, then the same entry; FCFS after the opening', async () => {
      const schedule = room({ opensAtMs: T0 - MINUTE });
      const [a, b] = members(2);
      expect(await store.join(schedule, a!, T0)).toEqual({ created: true, view: { state: 'WAITING', position: 1 } });
      expect(await store.join(schedule, b!, T0)).toEqual({ created: true, view: { state: 'WAITING', position: 2 } });
      expect(await store.join(schedule, a!, T0)).toEqual({ created: false, view: { state: 'WAITING', position: 1 } });
      expect(await store.poll(schedule, randomUUID(), T0)).toEqual({ state: 'GONE', queueReset: false });
    });

    it('keeps the pre-queue order hidden until the opening, then puts all of it before later joiners', async () => {
      const schedule = room();
      const early = members(20);
      for (const [index, id] of early.entries()) await store.join(schedule, id, T0 + index);
      // Before the opening everyone is told the pre-queue's size: there is no order yet to tell.
      expect((await pollAll(schedule, early, T0 + 30 * SECOND)).map(position)).toEqual(early.map(() => 20));
      const late = members(5);
      for (const id of late) await store.join(schedule, id, schedule.opensAtMs + 1);
      const atOpening = await pollAll(schedule, [...early, ...late], schedule.opensAtMs + 2);
      const positions = atOpening.map(position) as number[];
      expect([...positions.slice(0, 20)].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(positions.slice(20)).toEqual([21, 22, 23, 24, 25]);
      // A shuffle, not the join order (the chance of the identity among 20! orders is nil).
      expect(positions.slice(0, 20)).not.toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it('draws the pre-queue order uniformly: each of the 6 orders of 3 members about equally often', async () => {
      const rooms = 300;
      const counts = new Map<string, number>();
      for (let index = 0; index < rooms; index++) {
        const schedule = room();
        const trio = members(3);
        for (const id of trio) await store.join(schedule, id, schedule.opensAtMs - SECOND);
        const order = (await pollAll(schedule, trio, schedule.opensAtMs)).map(position).join('');
        counts.set(order, (counts.get(order) ?? 0) + 1);
      }
      expect([...counts.keys()].sort()).toEqual(['123', '132', '213', '231', '312', '321']);
      const expected = rooms / 6;
      const chiSquare = [...counts.values()].reduce((sum, seen) => sum + (seen - expected) ** 2 / expected, 0);
      // 5 degrees of freedom: above 20.5 happens by chance once in a thousand runs.
      expect(chiSquare).toBeLessThan(20.5);
    });

    it('admits in queue order at the rate, starting empty at the opening (no burst), within ±10 % per 10 s', async () => {
      const schedule = room({ admitPerMinute: 600 });
      const queued = members(300);
      for (const id of queued) await store.join(schedule, id, schedule.opensAtMs - SECOND);
      const orderAtOpening = (await pollAll(schedule, queued, schedule.opensAtMs)).map(position) as number[];
      const byPosition = [...queued].sort(
        (x, y) => orderAtOpening[queued.indexOf(x)]! - orderAtOpening[queued.indexOf(y)]!,
      );
      const admittedAt: number[] = [];
      for (let now = schedule.opensAtMs; now <= schedule.opensAtMs + 20 * SECOND; now += 100) {
        const admitted = await store.advance(schedule, now);
        for (let i = 0; i < admitted; i++) admittedAt.push(now);
      }
      // Nothing at the opening instant, one second's worth in the first second: no burst.
      expect(admittedAt.filter((at) => at === schedule.opensAtMs)).toHaveLength(0);
      expect(admittedAt.filter((at) => at <= schedule.opensAtMs + SECOND).length).toBeLessThanOrEqual(10);
      for (let start = schedule.opensAtMs; start + 10 * SECOND <= schedule.opensAtMs + 20 * SECOND; start += 500) {
        const inWindow = admittedAt.filter((at) => at > start && at <= start + 10 * SECOND).length;
        expect(inWindow).toBeGreaterThanOrEqual(90);
        expect(inWindow).toBeLessThanOrEqual(110);
      }
      // The admitted are exactly the head of the queue, in its order.
      const views = await pollAll(schedule, byPosition, schedule.opensAtMs + 20 * SECOND);
      const firstWaiting = views.findIndex((view) => view.state === 'WAITING');
      expect(firstWaiting).toBe(admittedAt.length);
      const admissionTimes = views
        .slice(0, firstWaiting)
        .map((view) => (view.state === 'ADMITTED' ? view.admittedAtMs : NaN));
      expect(admissionTimes).toEqual([...admissionTimes].sort((x, y) => x - y));
      expect(admissionTimes.every((at) => Number.isFinite(at))).toBe(true);
    });

    it('drops a member silent for abandonMs (counted from joining, before the opening too): out of every position', async () => {
      const schedule = room({ opensAtMs: T0 + 10 * MINUTE });
      const [silent, patient, late] = members(3);
      await store.join(schedule, silent!, T0);
      await store.join(schedule, patient!, T0 + SECOND);
      await store.join(schedule, late!, T0 + 2 * SECOND);
      expect(position(await store.poll(schedule, patient!, T0 + 30 * SECOND))).toBe(3);
      await store.poll(schedule, late!, T0 + 30 * SECOND);
      // The silent member's minute is up; the others polled within theirs.
      expect(position(await store.poll(schedule, patient!, T0 + MINUTE + 1))).toBe(2);
      expect(await store.poll(schedule, silent!, T0 + MINUTE + 2)).toEqual({ state: 'GONE', queueReset: false });
      // Joining again is a new entry, at the back once the queue is ordered.
      expect((await store.join(schedule, silent!, T0 + MINUTE + 3)).created).toBe(true);
    });

    it('tells ADMITTED, then EXPIRED after admissionMs; an expired member may join again at the back', async () => {
      const schedule = room({ opensAtMs: T0, admitPerMinute: 60, admissionMs: 30 * SECOND });
      const [first, second] = members(2);
      await store.join(schedule, first!, T0);
      await store.join(schedule, second!, T0);
      expect(await store.advance(schedule, T0 + SECOND)).toBe(1);
      expect(await store.poll(schedule, first!, T0 + SECOND)).toEqual({ state: 'ADMITTED', admittedAtMs: T0 + SECOND });
      expect(position(await store.poll(schedule, second!, T0 + SECOND))).toBe(1);
      expect(await store.poll(schedule, first!, T0 + 31 * SECOND)).toEqual({
        state: 'EXPIRED',
        admittedAtMs: T0 + SECOND,
      });
      const again = await store.join(schedule, first!, T0 + 31 * SECOND);
      expect(again.created).toBe(true);
      expect(again.view.state).toBe('WAITING');
    });
  });
}
