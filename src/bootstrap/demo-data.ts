import type { CreatePerformance } from '../application/catalog/create-performance/create-performance.use-case';
import type { PerformanceCatalog } from '../application/catalog/ports/performance-catalog';
import type { Actor } from '../application/shared/actor';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const DEMO_PERFORMANCES = [
  { title: 'Symphony No. 9 — New Year Gala', venue: 'Seoul Arts Center Concert Hall', inDays: 30 },
  { title: 'Indie Night Live', venue: 'Rolling Hall', inDays: 14 },
  { title: 'Musical: The Phantom of the Opera', venue: 'Charlotte Theater', inDays: 45 },
] as const;

/**
 * A few performances for the embedded default (and `npm run seed:demo`), created by `admin`
 * (a real admin member: creating a performance checks that its actor exists), so a newcomer can
 * browse, hold and confirm seats right away. Sales are open from an hour ago, so holds work
 * at once. Given the catalog, a demo performance whose title and venue are already on sale
 * is not created again (its dates are relative to `now`, so they cannot identify it); one
 * whose sales have closed is replaced by a fresh one. Answers how many it created.
 */
export async function seedDemoPerformances(
  createPerformance: Pick<CreatePerformance, 'execute'>,
  admin: Actor,
  now: Date,
  catalog?: PerformanceCatalog,
): Promise<number> {
  const onSale = catalog ? await titlesOnSale(catalog, now) : new Set<string>();
  let created = 0;
  for (const demo of DEMO_PERFORMANCES) {
    if (onSale.has(titleAtVenue(demo))) continue;
    const startsAt = new Date(now.getTime() + demo.inDays * DAY);
    await createPerformance.execute(admin, {
      title: demo.title,
      venue: demo.venue,
      startsAt,
      salesOpenAt: new Date(now.getTime() - HOUR),
      salesCloseAt: new Date(startsAt.getTime() - HOUR),
      currency: 'KRW',
      grades: [
        { name: 'VIP', price: 150_000 },
        { name: 'R', price: 120_000 },
        { name: 'S', price: 90_000 },
      ],
      sections: [
        { name: 'A', grade: 'VIP', rows: 5, seatsPerRow: 20 },
        { name: 'B', grade: 'R', rows: 10, seatsPerRow: 20 },
        { name: 'C', grade: 'S', rows: 10, seatsPerRow: 30 },
      ],
    });
    created++;
  }
  return created;
}

function titleAtVenue(performance: { readonly title: string; readonly venue: string }): string {
  return JSON.stringify([performance.title, performance.venue]);
}

/** Title and venue of every performance whose sales are open at `now`. */
async function titlesOnSale(catalog: PerformanceCatalog, now: Date): Promise<Set<string>> {
  const found = new Set<string>();
  const size = 100;
  for (let page = 1; ; page++) {
    const { items, total } = await catalog.listUpcoming(now, page, size);
    for (const item of items) {
      if (item.salesOpenAt <= now && now < item.salesCloseAt) found.add(titleAtVenue(item));
    }
    if (items.length === 0 || page * size >= total) return found;
  }
}
