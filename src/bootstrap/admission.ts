import type { Logger } from 'pino';
import { AdvanceWaitingRooms } from '../application/admission/advance-waiting-rooms/advance-waiting-rooms.use-case';
import { CheckAdmission } from '../application/admission/check-admission/check-admission.use-case';
import { GetQueueStatus } from '../application/admission/get-queue-status/get-queue-status.use-case';
import { JoinQueue } from '../application/admission/join-queue/join-queue.use-case';
import type { WaitingRoomStore } from '../application/admission/ports/waiting-room-store';
import { ActiveWaitingRooms, type WaitingRoomPolicy } from '../application/admission/waiting-rooms';
import type { Clock } from '../application/shared/ports/clock';
import type { PerformanceRepository } from '../domain/catalog/performance.repository';
import { Ed25519AdmissionTokens } from '../adapters/security/ed25519-admission-tokens';
import type { Ed25519SigningKey } from '../adapters/security/ed25519-signing-key';
import { PublicKeySet } from '../adapters/security/public-key-set';
import type { Config } from './config';
import { configuredSigningKey } from './signing-keys';

/** Advancing a waiting room is one Redis script; a few times a second keeps admissions smooth. */
export const WAITING_ROOM_ADVANCE_INTERVAL_MS = 250;

/** The waiting rooms and admission tokens, as the container hands them to HTTP and the timers. */
export interface AdmissionModule {
  readonly joinQueue: JoinQueue;
  readonly getQueueStatus: GetQueueStatus;
  readonly checkAdmission: CheckAdmission;
  readonly advanceWaitingRooms: AdvanceWaitingRooms;
}

export function admissionSigningKey(config: Config, logger: Logger): Ed25519SigningKey {
  return configuredSigningKey(
    { setting: 'ADMISSION_SIGNING_KEY', pem: config.admission.signingKeyPem, signs: 'admission tokens' },
    logger,
  );
}

/** Wires the admission module; `decorate` adds the telemetry every use case gets. */
export function buildAdmission(options: {
  readonly signingKey: Ed25519SigningKey;
  readonly publicKeys: PublicKeySet;
  readonly store: WaitingRoomStore;
  readonly performances: PerformanceRepository;
  readonly clock: Clock;
  readonly policy: WaitingRoomPolicy;
  readonly decorate: <T extends object>(name: string, useCase: T) => T;
}): AdmissionModule {
  const { store, performances, clock, policy, decorate } = options;
  options.publicKeys.add(options.signingKey.publicJwk);
  const tokens = new Ed25519AdmissionTokens(options.signingKey);
  const active = new ActiveWaitingRooms();
  return {
    joinQueue: decorate('JoinQueue', new JoinQueue(performances, store, tokens, clock, policy, active)),
    getQueueStatus: decorate('GetQueueStatus', new GetQueueStatus(performances, store, tokens, clock, policy, active)),
    // A gate every hold passes, not a use case of its own: traced and timed as part of the
    // hold it guards, not as a second span and histogram sample per hold.
    checkAdmission: new CheckAdmission(performances, tokens, clock),
    advanceWaitingRooms: new AdvanceWaitingRooms(store, active, clock),
  };
}

export { PublicKeySet };
