/**
 * The one table from error codes to HTTP statuses. Everything the API answers with a 4xx or
 * 5xx is listed here; the error middleware looks codes up and never switches on classes.
 *
 * Two columns because one code means two things: VALIDATION_FAILED raised by the adapter is
 * a request that does not fit its schema (400), while the domain's ValidationError is a
 * well-formed request that breaks a business rule (422).
 */
export interface ProblemKind {
  readonly status: number;
  readonly title: string;
}

/** Raised by the HTTP adapter itself: parsing, authentication, routing, time limits. */
export const ADAPTER_ERRORS = {
  BAD_REQUEST: { status: 400, title: 'Bad request' },
  MALFORMED_JSON: { status: 400, title: 'Malformed JSON body' },
  VALIDATION_FAILED: { status: 400, title: 'Request does not match its schema' },
  INVALID_ID: { status: 400, title: 'Malformed id in path' },
  INVALID_IDEMPOTENCY_KEY: { status: 400, title: 'Malformed Idempotency-Key header' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  NOT_FOUND: { status: 404, title: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  IDEMPOTENCY_KEY_IN_USE: { status: 409, title: 'Idempotency key in use by a request still running' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Request body too large' },
  HEADERS_TOO_LARGE: { status: 431, title: 'Request headers too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported content type' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'Idempotency key reused for a different request' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  INTERNAL_ERROR: { status: 500, title: 'Internal error' },
  NOT_IMPLEMENTED: { status: 501, title: 'Method not implemented' },
  // 503 rather than 504: this server is the origin, not a gateway. The work may still
  // complete after the answer, so clients should read the resource before retrying.
  REQUEST_TIMEOUT: { status: 503, title: 'Request timed out' },
} as const satisfies Record<string, ProblemKind>;

/** Codes of DomainError subclasses (src/domain, src/application). */
export const DOMAIN_ERRORS = {
  INVALID_TOKEN: { status: 401, title: 'Invalid or expired access token' },
  INVALID_CREDENTIALS: { status: 401, title: 'Invalid credentials' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  ADMISSION_REQUIRED: { status: 403, title: 'Admission token required' },
  ADMISSION_INVALID: { status: 403, title: 'Admission token invalid' },
  ADMISSION_EXPIRED: { status: 403, title: 'Admission expired' },
  PERFORMANCE_NOT_FOUND: { status: 404, title: 'Performance not found' },
  RESERVATION_NOT_FOUND: { status: 404, title: 'Reservation not found' },
  MEMBER_NOT_FOUND: { status: 404, title: 'Member not found' },
  QUEUE_ENTRY_NOT_FOUND: { status: 404, title: 'Not in the waiting room' },
  WEBHOOK_NOT_FOUND: { status: 404, title: 'Webhook not found' },
  TICKET_NOT_FOUND: { status: 404, title: 'Ticket not found' },
  PAYMENT_PROVIDER_NOT_FOUND: { status: 404, title: 'Payment provider not configured' },
  // A webhook for a payment not recorded (yet): 404 so that the provider delivers it again.
  PAYMENT_NOT_FOUND: { status: 404, title: 'Payment not found' },
  EMAIL_TAKEN: { status: 409, title: 'Email already registered' },
  SEAT_UNAVAILABLE: { status: 409, title: 'Seats unavailable' },
  // The store's refusal of a claim, before the use case has looked at the holders (and
  // answered SEAT_UNAVAILABLE, or expired overdue ones and tried again).
  SEATS_ALREADY_CLAIMED: { status: 409, title: 'Seats already claimed' },
  NOT_ENOUGH_SEATS_TOGETHER: { status: 409, title: 'Not enough adjacent seats together' },
  HOLD_EXPIRED: { status: 409, title: 'Hold expired' },
  RESERVATION_NOT_ACTIVE: { status: 409, title: 'Reservation not active' },
  CONCURRENT_MODIFICATION: { status: 409, title: 'Concurrent modification' },
  NO_WAITING_ROOM: { status: 409, title: 'No waiting room' },
  TICKET_VOID: { status: 409, title: 'Ticket void' },
  ALREADY_CHECKED_IN: { status: 409, title: 'Ticket already checked in' },
  PAYMENT_REQUIRED: { status: 409, title: 'Payment required: check out' },
  PAYMENTS_DISABLED: { status: 409, title: 'Payments disabled: confirm' },
  INVALID_SIGNATURE: { status: 400, title: 'Webhook signature invalid' },
  PAYMENT_REJECTED: { status: 422, title: 'Payment rejected by the provider' },
  SALES_CLOSED: { status: 422, title: 'Sales closed' },
  TICKET_INVALID: { status: 422, title: 'Not a valid ticket code' },
  TOO_MANY_SEATS: { status: 422, title: 'Too many seats' },
  MEMBER_SEAT_LIMIT: { status: 422, title: 'Member seat limit reached' },
  SEAT_NOT_FOUND: { status: 422, title: 'Seat not part of performance' },
  DUPLICATE_SEATS: { status: 422, title: 'Duplicate seats' },
  INVALID_PERFORMANCE: { status: 422, title: 'Invalid performance' },
  WEAK_PASSWORD: { status: 422, title: 'Weak password' },
  INVALID_EMAIL: { status: 422, title: 'Invalid email' },
  WEBHOOK_URL_FORBIDDEN: { status: 422, title: 'Webhook URL forbidden' },
  VALIDATION_FAILED: { status: 422, title: 'Business rule violated' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'Service unavailable' },
  TOO_MANY_STREAMS: { status: 503, title: 'Too many open seat streams' },
} as const satisfies Record<string, ProblemKind>;

export type AdapterErrorCode = keyof typeof ADAPTER_ERRORS;
export type DomainErrorCode = keyof typeof DOMAIN_ERRORS;

/** What `type` says: a stable URI reference per code, e.g. /problems/seat-unavailable. */
export function problemType(code: string): string {
  return `/problems/${code.toLowerCase().replaceAll('_', '-')}`;
}

/**
 * Sizes a problem body never exceeds, whatever the request: longer texts are cut and further
 * issues left out, so the document can state them. The instance is the request path, which
 * Node's 16 KB header limit already bounds.
 */
export const PROBLEM_LIMITS = {
  detailLength: 2000,
  instanceLength: 16_384,
  issues: 100,
  issuePathLength: 200,
  issueMessageLength: 500,
} as const;

/** At most `max` characters (code points), ending in "…" when cut. */
export function truncate(text: string, max: number): string {
  const characters = [...text];
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join('')}…`;
}

/** Seconds a client should wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 2;

/**
 * An error raised by the adapter (not the domain). `headers` go on the response, e.g. the
 * Allow of a 405.
 */
export class RequestError extends Error {
  constructor(
    readonly code: AdapterErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}
