import type { ParameterizedContext } from 'koa';
import type { Actor } from '../../application/shared/actor';

/** What middleware leaves on ctx.state for the ones after it. */
export interface RequestState {
  /** Correlation id: echoed in X-Request-Id, in every problem body and in every log line. */
  requestId: string;
  actor?: Actor;
}

export type HttpContext = ParameterizedContext<RequestState>;
