import { Member } from '../../domain/identity/member';
import { EmailTakenError } from '../../domain/identity/member.errors';
import { MemberRepository } from '../../domain/identity/member.repository';

export class InMemoryMemberRepository implements MemberRepository {
  readonly #byId = new Map<string, Member>();
  readonly #idByEmail = new Map<string, string>();

  async add(member: Member): Promise<void> {
    if (this.#idByEmail.has(member.email)) throw new EmailTakenError();
    this.#byId.set(member.id, Member.restore(member.toSnapshot()));
    this.#idByEmail.set(member.email, member.id);
  }

  async findById(id: string): Promise<Member | null> {
    const member = this.#byId.get(id);
    return member ? Member.restore(member.toSnapshot()) : null;
  }

  async findByEmail(normalizedEmail: string): Promise<Member | null> {
    const id = this.#idByEmail.get(normalizedEmail);
    return id ? this.findById(id) : null;
  }
}
