import { Knex } from 'knex';
import { Member } from '../../domain/identity/member';
import { EmailTakenError } from '../../domain/identity/member.errors';
import { MemberRepository } from '../../domain/identity/member.repository';
import { memberFromRow, memberToRow } from './member.mapper';
import { isDuplicateKey, mysqlCall } from './mysql-errors';
import { MemberModel } from './objection-models';

export class ObjectionMemberRepository implements MemberRepository {
  constructor(private readonly knex: Knex) {}

  add(member: Member): Promise<void> {
    return mysqlCall(async () => {
      try {
        await MemberModel.query(this.knex).insert(memberToRow(member));
      } catch (error) {
        if (isDuplicateKey(error, 'members_email_unique')) throw new EmailTakenError();
        throw error;
      }
    });
  }

  findById(id: string): Promise<Member | null> {
    return mysqlCall(async () => {
      const row = await MemberModel.query(this.knex).findById(id);
      return row ? memberFromRow(row) : null;
    });
  }

  findByEmail(normalizedEmail: string): Promise<Member | null> {
    return mysqlCall(async () => {
      const row = await MemberModel.query(this.knex).findOne({ email: normalizedEmail });
      return row ? memberFromRow(row) : null;
    });
  }
}
