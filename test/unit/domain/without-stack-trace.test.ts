import { SeatUnavailableError } from '../../../src/domain/sales/reservation.errors';
import { withoutStackTrace } from '../../../src/domain/shared/domain-error';

describe('withoutStackTrace', () => {
  it('builds the same refusal with no stack frames, and leaves stack capture on for everything else', () => {
    const limit = Error.stackTraceLimit;

    const refusal = withoutStackTrace(() => new SeatUnavailableError('p-1', ['s-1', 's-2']));

    expect(refusal).toBeInstanceOf(SeatUnavailableError);
    expect(refusal).toMatchObject({
      code: 'SEAT_UNAVAILABLE',
      details: { performanceId: 'p-1', seatIds: ['s-1', 's-2'] },
    });
    expect(refusal.stack).toBe('SeatUnavailableError: Seats s-1, s-2 are held or sold');
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new SeatUnavailableError('p-1', ['s-1']).stack).toMatch(/\n\s+at /);
  });

  it('restores stack capture when building the error throws', () => {
    const limit = Error.stackTraceLimit;
    expect(() =>
      withoutStackTrace(() => {
        throw new TypeError('broken builder');
      }),
    ).toThrow('broken builder');
    expect(Error.stackTraceLimit).toBe(limit);
  });
});
