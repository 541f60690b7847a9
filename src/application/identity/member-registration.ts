import { normalizeEmail } from '../../domain/identity/email';
import { Member, MemberSnapshot, Role } from '../../domain/identity/member';
import { MemberRepository } from '../../domain/identity/member.repository';
import { assertAcceptablePassword } from '../../domain/identity/password-policy';
import { Clock } from '../shared/ports/clock';
import { EventPublisher } from '../shared/ports/event-publisher';
import { IdGenerator } from '../shared/ports/id-generator';
import { PasswordHasher } from './ports/password-hasher';

export interface RegistrationInput {
  readonly email: string;
  readonly password: string;
  readonly name: string;
}

/** Signing up and ensuring the admin both create a member the same way; only the role differs. */
export class MemberRegistration {
  constructor(
    private readonly members: MemberRepository,
    private readonly hasher: PasswordHasher,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly events: EventPublisher,
  ) {}

  async register(input: RegistrationInput, role: Role): Promise<MemberSnapshot> {
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
    await this.events.publish(member.pullEvents());
    return member.toSnapshot();
  }
}
