import {
  AdmissionExpiredError,
  AdmissionInvalidError,
  AdmissionRequiredError,
} from '../../../domain/admission/admission.errors';
import type { PerformanceRepository } from '../../../domain/catalog/performance.repository';
import type { Actor } from '../../shared/actor';
import type { Clock } from '../../shared/ports/clock';
import type { AdmissionTokens } from '../ports/admission-tokens';

/**
 * The gate in front of a hold: on a performance with a waiting room, the member must bring
 * an admission token of its own, for this performance, not expired. On any other performance
 * (or an unknown one, which the hold itself reports) it lets everything through. It checks the
 * token alone, so it costs no store round trip on the hot path.
 */
export class CheckAdmission {
  constructor(
    private readonly performances: PerformanceRepository,
    private readonly tokens: AdmissionTokens,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, performanceId: string, admissionToken: string | undefined): Promise<void> {
    const performance = await this.performances.findById(performanceId);
    if (!performance?.waitingRoom) return;
    if (!admissionToken) throw new AdmissionRequiredError(performanceId);
    const verdict = await this.tokens.verify(
      admissionToken,
      { memberId: actor.memberId, performanceId },
      this.clock.now(),
    );
    if (verdict === 'EXPIRED') throw new AdmissionExpiredError(performanceId);
    if (verdict === 'INVALID') throw new AdmissionInvalidError(performanceId);
  }
}
