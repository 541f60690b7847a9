import { normalizeEmail } from '../../domain/identity/email';
import { Member, MemberSnapshot, Role } from '../../domain/identity/member';
import { MemberRepository } from '../../domain/identity/member.repository';
import { assertAcceptablePassword } from '../../domain/identity/password-policy';
import { Clock } from '../ports/clock';
import { EventPublisher } from '../ports/event-publisher';
import { IdGenerator } from '../ports/id-generator';
import { PasswordHasher } from '../ports/password-hasher';

export interface RegisterMemberInput {
  readonly email: string;
  readonly password: string;
  readonly name: string;
}

export class RegisterMember {
  constructor(
    private readonly members: MemberRepository,
    private readonly hasher: PasswordHasher,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly events: EventPublisher,
  ) {}

  /** Everyone who signs up is a USER: roles are never chosen by the client. */
  async execute(input: RegisterMemberInput, role: Role = 'USER'): Promise<MemberSnapshot> {
    const email = normalizeEmail(input.email);
    assertAcceptablePassword(input.password, email);
    const member = Member.register({
      id: this.ids.next(),
      email,
      name: input.name,
      passwordHash: await this.hasher.hash(input.password),
      role,
      now: this.clock.now(),
    });
    await this.members.add(member);
    this.events.publish(member.pullEvents());
    return member.toSnapshot();
  }
}
