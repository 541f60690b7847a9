import { InMemorySeatHoldStore } from '../../../src/adapters/memory/in-memory-seat-hold.store';
import { InMemorySeatStateLog } from '../../../src/adapters/memory/in-memory-seat-state.log';
import { ManualClock } from '../../../src/adapters/memory/manual-clock';
import type { SeatHoldStore } from '../../../src/application/sales/ports/seat-hold-store';
import type { SeatClaimSource } from '../../../src/application/seat-state/ports/seat-claims';
import type { SeatStates } from '../../../src/application/seat-state/ports/seat-states';
import { SeatStateRebuilder } from '../../../src/application/seat-state/seat-state-rebuilder';
import { SeatStateRecorder } from '../../../src/application/seat-state/seat-state-recorder';
import { SeatStateView } from '../../../src/application/seat-state/seat-state-view';
import { HOLD_SECONDS, reservationFixture } from '../../support/application-fixture';

/** The hold store, counting how often it is asked to hold. */
class CountingHoldStore extends InMemorySeatHoldStore {
  tryHolds = 0;
  override tryHold(...args: Parameters<SeatHoldStore['tryHold']>) {
    this.tryHolds++;
    return super.tryHold(...args);
  }
}

/** The hold path with this instance's live seat view, as the container wires it (in memory). */
async function withLiveView() {
  // One clock for all: the fixture's, which it creates itself.
  const late: { clock?: ManualClock; view?: SeatStateView } = {};
  const store = new CountingHoldStore({ now: () => late.clock!.now() });
  // The view is built once the fixture's repository (the seat claims' truth) exists.
  const seatStates: SeatStates = {
    current: (performanceId, now) => late.view!.current(performanceId, now),
    takenAmong: (performanceId, seatIds, heldWithinMs) => late.view!.takenAmong(performanceId, seatIds, heldWithinMs),
    watch: (performanceId) => late.view!.watch(performanceId),
  };
  const app = await reservationFixture({ seatHolds: store, seatStates });
  late.clock = app.clock;
  const clock = app.clock;
  const nowMs = () => clock.now().getTime();
  const log = new InMemorySeatStateLog(1_000, nowMs);
  const truth = app.reservations as unknown as SeatClaimSource;
  const rebuilder = new SeatStateRebuilder(log, truth);
  const view = new SeatStateView(
    log,
    rebuilder,
    truth,
    { takenSeats: async () => new Map() },
    { heartbeatMs: 60_000, maxStreams: 10, batchMs: 0, retentionChanges: 100, retentionMs: 60_000, blockMs: 50 },
    () => {},
    nowMs,
  );
  const recorder = new SeatStateRecorder(
    log,
    rebuilder,
    () => {},
    (performanceId, version) => late.view!.noteWritten(performanceId, version),
  );
  late.view = view;
  app.events.subscribe(recorder.listener);
  const hold = (member: number, seatIds: string[]) =>
    app.holdSeats.execute(app.member(member), { performanceId: app.performance.id, seatIds });
  /** Until this instance's view has read every change it recorded. */
  const caughtUp = () => view.current(app.performance.id, clock.now());
  return { app, clock, store, view, hold, caughtUp };
}

describe('losers answered from the live seat view', () => {
  let fixture: Awaited<ReturnType<typeof withLiveView>>;
  beforeEach(async () => {
    fixture = await withLiveView();
  });
  afterEach(() => fixture.view.close());

  it('watches a performance from its first loser on, then refuses its taken seats with no hold-store work', async () => {
    const { app, store, hold, caughtUp } = fixture;
    const [a, b, c, d] = app.seatIds;
    await hold(1, [a!]);
    // Not followed yet: the store turns the first loser away, and the view starts following.
    await expect(hold(2, [a!, c!])).rejects.toMatchObject({ code: 'SEAT_UNAVAILABLE', seatIds: [a] });
    await caughtUp();
    await hold(1, [b!]);
    await caughtUp();
    const asked = store.tryHolds;

    await expect(hold(3, [c!, b!])).rejects.toMatchObject({ code: 'SEAT_UNAVAILABLE', seatIds: [b] });
    expect(store.tryHolds).toBe(asked);
    // A hold made before the view followed came with its snapshot: its age is unknown, so the store judges it.
    await expect(hold(3, [c!, a!])).rejects.toMatchObject({ code: 'SEAT_UNAVAILABLE', seatIds: [a] });
    expect(store.tryHolds).toBe(asked + 1);
    // A free seat still goes to the store and the repository, which grant it.
    await expect(hold(3, [c!, d!])).resolves.toMatchObject({ status: 'PENDING' });
    expect(store.tryHolds).toBe(asked + 2);
  });

  it('refuses a seat the view shows taken even when the store forgot it (never grants what the log recorded)', async () => {
    const { app, store, hold, caughtUp } = fixture;
    const [a, b] = app.seatIds;
    await hold(1, [a!]);
    await expect(hold(2, [a!])).rejects.toMatchObject({ code: 'SEAT_UNAVAILABLE' });
    await caughtUp();
    const held = await hold(1, [b!]);
    await caughtUp();
    await store.release(app.performance.id, [b!], held.id);
    const asked = store.tryHolds;

    await expect(hold(3, [b!])).rejects.toMatchObject({ code: 'SEAT_UNAVAILABLE', seatIds: [b] });
    expect(store.tryHolds).toBe(asked);
  });

  it('grants a cancelled seat once the view has read the release', async () => {
    const { app, hold, caughtUp } = fixture;
    const [a] = app.seatIds;
    const first = await hold(1, [a!]);
    await expect(hold(2, [a!])).rejects.toMatchObject({ code: 'SEAT_UNAVAILABLE' });
    await caughtUp();
    await app.cancel.execute(app.member(1), first.id);
    await caughtUp();

    await expect(hold(2, [a!])).resolves.toMatchObject({ status: 'PENDING' });
  });

  it('lets a hold that may be overdue be judged by the store and the repository, which expire it', async () => {
    const { app, clock, store, hold, caughtUp } = fixture;
    const [a, b] = app.seatIds;
    await hold(1, [b!]);
    await expect(hold(2, [b!])).rejects.toMatchObject({ code: 'SEAT_UNAVAILABLE' });
    await caughtUp();
    const first = await hold(1, [a!]);
    await caughtUp();
    const early = store.tryHolds;
    await expect(hold(3, [a!])).rejects.toMatchObject({ code: 'SEAT_UNAVAILABLE', seatIds: [a] });
    expect(store.tryHolds).toBe(early);
    // Within the margin before its end the view no longer vouches for the hold.
    clock.advance(HOLD_SECONDS * 1000 - 5_000);
    const asked = store.tryHolds;
    await expect(hold(3, [a!])).rejects.toMatchObject({ code: 'SEAT_UNAVAILABLE', seatIds: [a] });
    expect(store.tryHolds).toBe(asked + 1);

    clock.advance(6_000);
    await expect(hold(3, [a!])).resolves.toMatchObject({ status: 'PENDING' });
    expect((await app.reservations.findById(first.id))!.status).toBe('EXPIRED');
  });
});
