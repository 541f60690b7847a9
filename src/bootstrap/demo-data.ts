import type { CreatePerformance } from '../application/catalog/create-performance/create-performance.use-case';
import type { Actor } from '../application/shared/actor';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A few performances for the embedded default, so a newcomer can browse, hold and confirm
 * seats right after `npm start`. Sales are open from an hour ago, so holds work at once.
 */
export async function seedDemoPerformances(
  createPerformance: Pick<CreatePerformance, 'execute'>,
  admin: Actor,
  now: Date,
): Promise<number> {
  const demos = [
    { title: 'Symphony No. 9 — New Year Gala', venue: 'Seoul Arts Center Concert Hall', inDays: 30 },
    { title: 'Indie Night Live', venue: 'Rolling Hall', inDays: 14 },
    { title: 'Musical: The Phantom of the Opera', venue: 'Charlotte Theater', inDays: 45 },
  ];
  for (const demo of demos) {
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
  }
  return demos.length;
}
