import { Member } from '../../domain/identity/member';
import { MemberModel } from './objection-models';

export function memberToRow(member: Member): Partial<MemberModel> {
  const snapshot = member.toSnapshot();
  return {
    id: snapshot.id,
    email: snapshot.email,
    name: snapshot.name,
    password_hash: snapshot.passwordHash,
    role: snapshot.role,
    created_at: snapshot.createdAt,
  };
}

export function memberFromRow(row: MemberModel): Member {
  return Member.restore({
    id: row.id,
    email: row.email,
    name: row.name,
    passwordHash: row.password_hash,
    role: row.role,
    createdAt: row.created_at,
  });
}
