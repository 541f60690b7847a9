import { Performance, PerformanceSnapshot, WAITING_ROOM_LIMITS } from '../../../domain/catalog/performance';
import { MemberRepository } from '../../../domain/identity/member.repository';
import { PerformanceRepository } from '../../../domain/catalog/performance.repository';
import { Money } from '../../../domain/shared/money';
import { ForbiddenError } from '../../shared/errors';
import { Clock } from '../../shared/ports/clock';
import { EventPublisher } from '../../shared/ports/event-publisher';
import { IdGenerator } from '../../shared/ports/id-generator';
import { Actor } from '../../shared/actor';
import { assertMemberExists } from '../../shared/existing-member';

export interface CreatePerformanceInput {
  readonly title: string;
  readonly venue: string;
  readonly startsAt: Date;
  readonly salesOpenAt: Date;
  readonly salesCloseAt: Date;
  readonly currency: string;
  readonly grades: readonly { name: string; price: number }[];
  readonly sections: readonly { name: string; grade: string; rows: number; seatsPerRow: number }[];
  /** admissionSeconds defaults to WAITING_ROOM_LIMITS.defaultAdmissionSeconds. */
  readonly waitingRoom?: { readonly admitPerMinute: number; readonly admissionSeconds?: number } | null | undefined;
}

export class CreatePerformance {
  constructor(
    private readonly performances: PerformanceRepository,
    private readonly members: MemberRepository,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly events: EventPublisher,
  ) {}

  async execute(actor: Actor, input: CreatePerformanceInput): Promise<PerformanceSnapshot> {
    if (actor.role !== 'ADMIN') throw new ForbiddenError('create performances');
    // Rare and never on the hot path: a read of the admin is cheap insurance against a stale token.
    await assertMemberExists(this.members, actor);
    const performance = Performance.create(
      this.ids.next(),
      {
        title: input.title,
        venue: input.venue,
        startsAt: input.startsAt,
        salesOpenAt: input.salesOpenAt,
        salesCloseAt: input.salesCloseAt,
        grades: input.grades.map((grade) => ({ name: grade.name, price: Money.of(grade.price, input.currency) })),
        sections: input.sections,
        waitingRoom: input.waitingRoom
          ? {
              admitPerMinute: input.waitingRoom.admitPerMinute,
              admissionSeconds: input.waitingRoom.admissionSeconds ?? WAITING_ROOM_LIMITS.defaultAdmissionSeconds,
            }
          : null,
      },
      this.clock.now(),
      () => this.ids.next(),
    );
    await this.performances.add(performance);
    await this.events.publish(performance.pullEvents());
    return performance.toSnapshot();
  }
}
