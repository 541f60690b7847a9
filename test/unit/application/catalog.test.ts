import type { CreatePerformanceInput } from '../../../src/application/catalog/create-performance/create-performance.use-case';
import { performanceBody, type PerformanceBody } from '../../../testkit/performance-body';
import { catalogFixture } from '../../support/application-fixture';
import { DAY, T0 } from '../../support/builders';

/** What the HTTP adapter hands the use case for a valid body (on sale at T0, 20 seats), with `overrides`. */
function anInput(overrides: Partial<PerformanceBody> = {}): CreatePerformanceInput {
  const body = performanceBody(T0, overrides);
  return {
    ...body,
    startsAt: new Date(body.startsAt),
    salesOpenAt: new Date(body.salesOpenAt),
    salesCloseAt: new Date(body.salesCloseAt),
    currency: 'KRW',
  };
}

describe('creating a performance', () => {
  it('lays out and stores the hall for an admin, at the clock time, and announces it', async () => {
    const app = await catalogFixture();

    const created = await app.createPerformance.execute(app.admin, anInput({ title: 'Opening Night' }));

    expect(created).toMatchObject({ title: 'Opening Night', createdAt: T0 });
    expect(created.seats).toHaveLength(20);
    expect(created.grades.map((grade) => [grade.name, grade.price.amount, grade.price.currency])).toEqual([
      ['VIP', 150_000, 'KRW'],
      ['R', 120_000, 'KRW'],
    ]);
    expect((await app.performances.findById(created.id))!.seatCount).toBe(20);
    expect(app.events.published).toEqual([
      { type: 'PerformanceCreated', occurredAt: T0, performanceId: created.id, seatCount: 20 },
    ]);
  });

  it('refuses a member who is not an admin with FORBIDDEN, and stores nothing', async () => {
    const app = await catalogFixture();

    await expect(app.createPerformance.execute(app.member(1), anInput())).rejects.toMatchObject({ code: 'FORBIDDEN' });

    expect(app.events.published).toEqual([]);
  });

  it('refuses an admin token whose member is gone with INVALID_TOKEN, and stores nothing', async () => {
    const app = await catalogFixture();

    await expect(app.createPerformance.execute(app.ghostAdmin, anInput())).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
    });

    expect(app.events.published).toEqual([]);
  });

  it.each<[string, Partial<PerformanceBody>]>([
    ['a section of an unknown grade', { sections: [{ name: 'Z', grade: 'GOLD', rows: 1, seatsPerRow: 1 }] }],
    [
      'a section defined twice',
      {
        sections: [
          { name: 'A', grade: 'VIP', rows: 1, seatsPerRow: 1 },
          { name: 'A', grade: 'R', rows: 1, seatsPerRow: 1 },
        ],
      },
    ],
    ['a section of no rows', { sections: [{ name: 'A', grade: 'VIP', rows: 0, seatsPerRow: 5 }] }],
    ['no sections at all', { sections: [] }],
    ['sales that close after the show starts', { salesCloseAt: new Date(T0.getTime() + 31 * DAY).toISOString() }],
  ])('refuses %s with INVALID_PERFORMANCE, and stores nothing', async (_case, overrides) => {
    const app = await catalogFixture();

    await expect(app.createPerformance.execute(app.admin, anInput(overrides))).rejects.toMatchObject({
      code: 'INVALID_PERFORMANCE',
    });

    expect(app.events.published).toEqual([]);
  });
});
