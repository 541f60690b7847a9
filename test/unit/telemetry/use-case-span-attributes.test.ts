import pino from 'pino';
import type { Attributes } from '@opentelemetry/api';
import type { SpanAttributesOf } from '../../../src/adapters/telemetry/traced-use-case';
import { USE_CASE_SPAN_ATTRIBUTES } from '../../../src/adapters/telemetry/use-case-span-attributes';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { loadConfig } from '../../../src/bootstrap/config';
import { buildContainer } from '../../../src/bootstrap/container';
import { openEmbeddedStores } from '../../../src/bootstrap/stores';
import { TOKENS } from '../../../src/bootstrap/tokens';

type Loose = SpanAttributesOf<unknown[], unknown>;
const listed = (name: string) => USE_CASE_SPAN_ATTRIBUTES[name] as Loose | undefined;

describe('USE_CASE_SPAN_ATTRIBUTES', () => {
  it('names only use cases the container builds, so no listing is silently dead', () => {
    const built = new Set<string>();
    const container = buildContainer({
      config: loadConfig({}),
      logger: pino({ level: 'silent' }),
      stores: openEmbeddedStores(new SystemClock()),
      decorateUseCase: (name, useCase) => {
        built.add(name);
        return useCase;
      },
    });
    for (const token of Object.values(TOKENS)) if (container.isBound(token)) container.get(token);

    expect([...built]).toEqual(expect.arrayContaining(Object.keys(USE_CASE_SPAN_ATTRIBUTES)));
  });

  it('lists nothing of a log-in: its arguments are credentials and its result is a token', () => {
    expect(listed('LogIn')).toBeUndefined();
  });

  it('turns credentials and personal data into ids and codes only', () => {
    const email = 'someone@example.com';
    const password = 'correct horse battery staple';
    const exported: Attributes[] = [
      listed('EnsureAdmin')?.fromArguments?.(email, password) ?? {},
      listed('EnsureAdmin')?.fromResult?.({ outcome: 'created', memberId: 'admin-1' }) ?? {},
      listed('RegisterMember')?.fromArguments?.({ email, password, name: 'Some One' }) ?? {},
      listed('RegisterMember')?.fromResult?.({ id: 'm-1', email, name: 'Some One', role: 'USER' }) ?? {},
    ];

    expect(exported).toEqual([
      {},
      { 'app.admin_account': 'created', 'app.member_id': 'admin-1' },
      {},
      { 'app.member_id': 'm-1' },
    ]);
  });

  it('describes a seat hold by member, performance, seat count and the reservation it made', () => {
    const hold = listed('HoldSeats')!;
    const attributes = {
      ...hold.fromArguments!({ memberId: 'm-1', role: 'USER' }, { performanceId: 'p-1', seatIds: ['s-1', 's-2'] }),
      ...hold.fromResult!({ id: 'r-1', memberId: 'm-1', performanceId: 'p-1' }),
    };

    expect(attributes).toEqual({
      'app.member_id': 'm-1',
      'app.performance_id': 'p-1',
      'app.seat_count': 2,
      'app.reservation_id': 'r-1',
    });
  });
});
