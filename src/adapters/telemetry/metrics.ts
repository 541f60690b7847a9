import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds: fine below 10 ms (Redis, the hot path) and coarse up to the request timeout. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface PoolStats {
  readonly size: number;
  readonly used: number;
  readonly free: number;
  readonly pending: number;
}

/**
 * The service's Prometheus metrics: RED per route, the database pool, the seat-hold
 * outcomes of a sale, and Node's own (event-loop delay, heap, GC). prom-client renders the
 * exposition format; nothing here writes it by hand.
 */
export class ServiceMetrics {
  readonly registry = new Registry();

  readonly #httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly #httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly #useCaseDuration = new Histogram({
    name: 'use_case_duration_seconds',
    help: 'Use case duration by outcome (ok or an error code)',
    labelNames: ['use_case', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly #seatHolds = new Counter({
    name: 'seat_holds_total',
    help: 'Seat hold attempts and expiries: granted, rejected (seat taken) or expired',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly #reservations = new Counter({
    name: 'reservations_total',
    help: 'Reservation status changes: confirmed, cancelled',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly #poolAcquire = new Histogram({
    name: 'db_pool_acquire_seconds',
    help: 'Time spent waiting for a MySQL connection from the pool',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true)
      collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
  }

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.#httpRequests.inc(labels);
    this.#httpDuration.observe(labels, seconds);
  }

  observeUseCase(useCase: string, outcome: string, seconds: number): void {
    this.#useCaseDuration.observe({ use_case: useCase, outcome }, seconds);
    if (useCase === 'HoldSeats' && outcome === 'SEAT_UNAVAILABLE') this.#seatHolds.inc({ outcome: 'rejected' });
  }

  /** Fed with domain events after they were saved. */
  observeEvent(event: { type: string; seatIds?: readonly string[] }): void {
    switch (event.type) {
      case 'ReservationHeld':
        this.#seatHolds.inc({ outcome: 'granted' });
        break;
      case 'ReservationExpired':
        this.#seatHolds.inc({ outcome: 'expired' });
        break;
      case 'ReservationConfirmed':
        this.#reservations.inc({ status: 'confirmed' });
        break;
      case 'ReservationCancelled':
        this.#reservations.inc({ status: 'cancelled' });
        break;
    }
  }

  observePoolAcquire(seconds: number): void {
    this.#poolAcquire.observe(seconds);
  }

  /** Pool gauges are read when scraped, never pushed on the hot path. */
  watchPool(read: () => PoolStats): void {
    new Gauge({
      name: 'db_pool_connections',
      help: 'MySQL pool connections by state (used, free, pending = requests waiting for one)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const stats = read();
        this.set({ state: 'used' }, stats.used);
        this.set({ state: 'free' }, stats.free);
        this.set({ state: 'pending' }, stats.pending);
        this.set({ state: 'max' }, stats.size);
      },
    });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
