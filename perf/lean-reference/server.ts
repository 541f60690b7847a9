/**
 * The lean reference: POST /api/v1/reservations with no layering, so the service's
 * architecture has a price tag. Same JWT check, same Lua hold, same rows and unique
 * constraint; no DI, domain objects, knex or zod. It does not enforce the per-member seat cap.
 * LEAN_BATCH=true sends the transaction as one multi-statement round trip.
 */
import { createSecretKey, randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { jwtVerify } from 'jose';
import Koa from 'koa';
import { createPool } from 'mysql2/promise';

const env = process.env as Record<string, string>;
const batch = env['LEAN_BATCH'] === 'true';
const key = createSecretKey(Buffer.from(env['JWT_SECRET']!));
const db = createPool({ uri: env['DATABASE_URL'], connectionLimit: 20, timezone: 'Z', multipleStatements: batch });
type Script = (...args: (string | number)[]) => Promise<number[]>;
const redis = new Redis(env['REDIS_URL']!) as Redis & { hold: Script; release: Script };
redis.defineCommand('hold', {
  lua: `local c = {} for i = 1, #KEYS do local h = redis.call('GET', KEYS[i]) if h and h ~= ARGV[1] then c[#c + 1] = i end end
  if #c == 0 then for i = 1, #KEYS do redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[2]) end end return c`,
});
redis.defineCommand('release', {
  lua: `for i = 1, #KEYS do if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end end return 0`,
});

type Seat = { id: string; label: string; grade: string; price: number; open: Date; close: Date; currency: string };
const halls = new Map<string, Promise<Map<string, Seat>>>();
const hall = (id: string) => {
  if (!halls.has(id)) {
    const sql = `SELECT s.id, s.label, s.grade, g.price, p.sales_open_at AS open, p.sales_close_at AS close, p.currency
      FROM performances p JOIN seats s ON s.performance_id = p.id JOIN performance_grades g ON g.performance_id = p.id AND g.name = s.grade WHERE p.id = ?`;
    halls.set(
      id,
      db.query(sql, [id]).then(([rows]) => new Map((rows as Seat[]).map((seat) => [seat.id, seat]))),
    );
  }
  return halls.get(id)!;
};
const uuid7 = () => {
  const b = randomBytes(16);
  b.writeUIntBE(Date.now(), 0, 6);
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  return b.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
};

const app = new Koa();
app.use(async (ctx) => {
  if (ctx.path === '/healthz') return void (ctx.body = { status: 'ok' });
  if (ctx.method !== 'POST' || ctx.path !== '/api/v1/reservations') return void (ctx.status = 404);
  const fail = (status: number, code: string, seatIds?: string[]) =>
    void ((ctx.status = status), (ctx.body = { status, code, seatIds }));
  const token = /^Bearer (\S+)$/.exec(ctx.get('authorization'))?.[1] ?? '';
  const claims = await jwtVerify(token, key, {
    algorithms: ['HS256'],
    issuer: 'ticketing-service',
    audience: 'ticketing-api',
  }).catch(() => null);
  if (!claims?.payload.sub) return fail(401, 'INVALID_TOKEN');
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  const { performanceId, seatIds } = JSON.parse(Buffer.concat(chunks).toString() || '{}') as {
    performanceId?: string;
    seatIds?: string[];
  };
  if (typeof performanceId !== 'string' || !Array.isArray(seatIds) || seatIds.length < 1)
    return fail(400, 'VALIDATION_FAILED');
  const seats = await hall(performanceId);
  const now = new Date();
  const first = seats.values().next().value;
  if (!first) return fail(404, 'PERFORMANCE_NOT_FOUND');
  if (now < first.open || now >= first.close) return fail(422, 'SALES_CLOSED');
  if (seatIds.length > 4 || new Set(seatIds).size !== seatIds.length) return fail(422, 'TOO_MANY_SEATS');
  const chosen = seatIds.map((id) => seats.get(id)!);
  if (chosen.some((seat) => !seat)) return fail(422, 'SEAT_NOT_FOUND');

  const id = uuid7();
  const keys = seatIds.map((seatId) => `lean:hold:{${performanceId}}:${seatId}`);
  const conflicts = await redis.hold(keys.length, ...keys, id, 300_000);
  if (conflicts.length > 0)
    return fail(
      409,
      'SEAT_UNAVAILABLE',
      conflicts.map((i) => seatIds[i - 1]!),
    );
  const total = chosen.reduce((sum, seat) => sum + Number(seat.price), 0);
  const expiresAt = new Date(now.getTime() + 300_000);
  const row = [id, claims.payload.sub, performanceId, 'PENDING', total, first.currency, now, expiresAt, 0];
  const seatRows = chosen.map((seat, i) => [
    id,
    seat.id,
    performanceId,
    seat.label,
    seat.grade,
    seat.price,
    seat.id,
    i,
  ]);
  const insertReservation = `INSERT INTO reservations (id, member_id, performance_id, status, total_price, currency, created_at, expires_at, version) VALUES (?)`;
  const insertSeats = `INSERT INTO reservation_seats (reservation_id, seat_id, performance_id, label, grade, price, active_seat_id, position) VALUES ?`;
  const connection = await db.getConnection();
  try {
    if (batch)
      await connection.query(`START TRANSACTION; ${insertReservation}; ${insertSeats}; COMMIT`, [row, seatRows]);
    else {
      await connection.beginTransaction();
      await connection.query(insertReservation, [row]);
      await connection.query(insertSeats, [seatRows]);
      await connection.commit();
    }
  } catch (error) {
    await connection.query('ROLLBACK');
    await redis.release(keys.length, ...keys, id);
    if ((error as { errno?: number }).errno === 1062) return fail(409, 'SEAT_UNAVAILABLE', seatIds);
    throw error;
  } finally {
    connection.release();
  }
  ctx.status = 201;
  ctx.body = {
    id,
    status: 'PENDING',
    performanceId,
    memberId: claims.payload.sub,
    totalPrice: total,
    expiresAt,
    seats: chosen.map(({ id, label, grade, price }) => ({ id, label, grade, price })),
  };
});
app.listen(Number(env['PORT']), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
