/** Durations in milliseconds, for clocks, TTLs and sales windows in tests and load runs. */
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
