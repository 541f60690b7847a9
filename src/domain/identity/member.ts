import { AggregateRoot, DomainEvent } from '../shared/aggregate-root';
import { ValidationError } from '../shared/domain-error';
import { characterCount } from '../shared/text';
import { normalizeEmail } from './email';

/** USER buys, STAFF checks tickets in at the doors, ADMIN does both and runs the service. */
export type Role = 'USER' | 'ADMIN' | 'STAFF';

/** Characters of a member's name once trimmed (the name column's size). */
export const MEMBER_NAME_MAX_LENGTH = 100;

export interface MemberSnapshot {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly passwordHash: string;
  readonly role: Role;
  readonly createdAt: Date;
}

export interface MemberRegistered extends DomainEvent {
  readonly type: 'MemberRegistered';
  readonly memberId: string;
}

export interface NewMember {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly passwordHash: string;
  readonly role: Role;
  readonly now: Date;
}

export class Member extends AggregateRoot<MemberRegistered> {
  private constructor(private readonly props: MemberSnapshot) {
    super();
  }

  /** The password is checked and hashed before this point: the domain only ever sees the hash. */
  static register(input: NewMember): Member {
    const name = input.name.trim();
    const length = characterCount(name);
    if (length === 0 || length > MEMBER_NAME_MAX_LENGTH) {
      throw new ValidationError(`name must be 1 to ${MEMBER_NAME_MAX_LENGTH} characters`);
    }
    const member = new Member({
      id: input.id,
      email: normalizeEmail(input.email),
      name,
      passwordHash: input.passwordHash,
      role: input.role,
      createdAt: input.now,
    });
    member.record({ type: 'MemberRegistered', occurredAt: input.now, memberId: input.id });
    return member;
  }

  static restore(snapshot: MemberSnapshot): Member {
    return new Member(snapshot);
  }

  get id(): string {
    return this.props.id;
  }
  get email(): string {
    return this.props.email;
  }
  get role(): Role {
    return this.props.role;
  }
  get passwordHash(): string {
    return this.props.passwordHash;
  }
  get isAdmin(): boolean {
    return this.props.role === 'ADMIN';
  }

  toSnapshot(): MemberSnapshot {
    return this.props;
  }
}
