import { Member } from './member';

export interface MemberRepository {
  /** Throws EmailTakenError when the (normalized) email is registered already. */
  add(member: Member): Promise<void>;
  findById(id: string): Promise<Member | null>;
  findByEmail(normalizedEmail: string): Promise<Member | null>;
}
