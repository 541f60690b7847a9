import { Knex } from 'knex';
import * as createMembers from './001-create-members.migration';
import * as createPerformances from './002-create-performances.migration';
import * as createReservations from './003-create-reservations.migration';
import * as createMemberSeatCounts from './004-create-member-seat-counts.migration';
import * as createIdempotencyKeys from './005-create-idempotency-keys.migration';
import * as addSeatLimitCheck from './006-add-seat-limit-check.migration';
import * as createSeatStateEpochs from './007-create-seat-state-epochs.migration';
import * as addPerformanceWaitingRoom from './008-add-performance-waiting-room.migration';
import * as createWebhookOutbox from './009-create-webhook-outbox.migration';
import * as createPayments from './010-create-payments.migration';
import * as createTickets from './011-create-tickets.migration';

/**
 * Every migration, in order. A static list instead of a directory glob, so the same code
 * runs from TypeScript (jest, tsx) and from compiled dist/.
 *
 * Migrations are forward-safe (expand, then contract): a migration only adds what the
 * running release ignores (tables, nullable or defaulted columns, indexes); dropping or
 * renaming waits for a later release that no longer reads the old shape. Applied
 * migrations are never edited; each has a working `down`.
 */
export const MIGRATIONS: ReadonlyArray<readonly [name: string, migration: Knex.Migration]> = [
  ['001-create-members', createMembers],
  ['002-create-performances', createPerformances],
  ['003-create-reservations', createReservations],
  ['004-create-member-seat-counts', createMemberSeatCounts],
  ['005-create-idempotency-keys', createIdempotencyKeys],
  ['006-add-seat-limit-check', addSeatLimitCheck],
  ['007-create-seat-state-epochs', createSeatStateEpochs],
  ['008-add-performance-waiting-room', addPerformanceWaitingRoom],
  ['009-create-webhook-outbox', createWebhookOutbox],
  ['010-create-payments', createPayments],
  ['011-create-tickets', createTickets],
];
