import { EmailTakenError } from '../../src/domain/identity/member.errors';
import { MemberRepository } from '../../src/domain/identity/member.repository';
import { aMember, at, T0 } from '../support/builders';

/** What every MemberRepository must do; run against the in-memory twin and MySQL. */
export function memberRepositoryContract(makeRepository: () => MemberRepository | Promise<MemberRepository>): void {
  describe('MemberRepository contract', () => {
    let members: MemberRepository;
    beforeEach(async () => {
      members = await makeRepository();
    });

    it('finds an added member by id and by email exactly as it was, to the millisecond', async () => {
      const member = aMember({ role: 'ADMIN', name: 'Jane Doe', createdAt: at(123) });
      await members.add(member);

      expect((await members.findById(member.id))?.toSnapshot()).toEqual(member.toSnapshot());
      expect((await members.findByEmail(member.email))?.toSnapshot()).toEqual(member.toSnapshot());
      expect((await members.findById(member.id))?.toSnapshot().createdAt.getTime()).toBe(T0.getTime() + 123);
    });

    it('answers null for an unknown id or email', async () => {
      await members.add(aMember());

      expect(await members.findById('00000000-0000-0000-0000-000000000000')).toBeNull();
      expect(await members.findByEmail('nobody@example.com')).toBeNull();
    });

    it('refuses a second member with a registered email and keeps the first', async () => {
      const first = aMember({ email: 'jane@example.com' });
      await members.add(first);

      await expect(members.add(aMember({ email: 'jane@example.com' }))).rejects.toBeInstanceOf(EmailTakenError);
      expect((await members.findByEmail('jane@example.com'))?.id).toBe(first.id);
    });

    it('looks emails up as stored: callers pass the normalized form', async () => {
      await members.add(aMember({ email: 'jane@example.com' }));

      expect(await members.findByEmail('JANE@example.com')).toBeNull();
    });

    it('keeps members with different emails apart', async () => {
      const jane = aMember({ email: 'jane@example.com' });
      const john = aMember({ email: 'john@example.com' });
      await members.add(jane);
      await members.add(john);

      expect((await members.findByEmail('jane@example.com'))?.id).toBe(jane.id);
      expect((await members.findByEmail('john@example.com'))?.id).toBe(john.id);
    });
  });
}
