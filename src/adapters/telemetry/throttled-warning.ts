import type { Logger } from 'pino';

/** At most one warning per this many milliseconds for one kind of failure. */
export const WARNING_INTERVAL_MS = 10_000;

/**
 * Reports a failure that the service rides out (a store it can go on without) as a warning
 * at most every 10 s, counting the ones it kept quiet: during an outage every request
 * fails the same way, and a line each would drown the logs.
 */
export function throttledWarning(
  logger: Pick<Logger, 'warn'>,
  message: string,
  nowMs: () => number = Date.now,
): (error: unknown) => void {
  let quietUntil = 0;
  let suppressed = 0;
  return (error) => {
    const now = nowMs();
    if (now < quietUntil) {
      suppressed++;
      return;
    }
    logger.warn({ err: error, failuresSinceLastWarning: suppressed }, message);
    quietUntil = now + WARNING_INTERVAL_MS;
    suppressed = 0;
  };
}
