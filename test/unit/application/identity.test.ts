import { identityFixture } from '../../support/application-fixture';
import { T0 } from '../../support/builders';
import { StoreUnavailableError } from '../../../src/application/shared/errors';

const PASSWORD = 'correct horse battery';

describe('signing up', () => {
  it('registers a USER under the normalised email, with the hash and never the password, and announces it', async () => {
    const app = identityFixture();

    const member = await app.register.execute({ email: '  Jane.Doe@Example.COM ', password: PASSWORD, name: 'Jane' });

    expect(member).toMatchObject({ email: 'jane.doe@example.com', name: 'Jane', role: 'USER', createdAt: T0 });
    const stored = (await app.members.findById(member.id))!.toSnapshot();
    expect(stored.passwordHash).toBe(`hashed:${PASSWORD}`);
    expect(JSON.stringify(stored)).not.toContain(`"${PASSWORD}"`);
    expect(app.events.published).toEqual([{ type: 'MemberRegistered', occurredAt: T0, memberId: member.id }]);
  });

  it.each([
    ['too short', 'short1'],
    ['a well-known one', 'password123'],
    ['the email address', 'jane@example.com'],
  ])(
    'refuses a password that is %s with WEAK_PASSWORD, before hashing or storing anything',
    async (_case, password) => {
      const app = identityFixture();

      await expect(app.register.execute({ email: 'jane@example.com', password, name: 'Jane' })).rejects.toMatchObject({
        code: 'WEAK_PASSWORD',
      });

      expect(app.hasher.hashed).toEqual([]);
      expect(await app.members.findByEmail('jane@example.com')).toBeNull();
      expect(app.events.published).toEqual([]);
    },
  );

  it('refuses an email registered already, whatever its case, with EMAIL_TAKEN, and keeps the first member', async () => {
    const app = identityFixture();
    const first = await app.register.execute({ email: 'jane@example.com', password: PASSWORD, name: 'Jane' });

    await expect(
      app.register.execute({ email: 'JANE@example.com', password: 'another good passphrase', name: 'Impostor' }),
    ).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });

    expect((await app.members.findByEmail('jane@example.com'))!.id).toBe(first.id);
    expect(app.events.published).toHaveLength(1);
  });

  it('refuses an address that is not one with INVALID_EMAIL', async () => {
    const app = identityFixture();

    await expect(
      app.register.execute({ email: 'jane-at-example', password: PASSWORD, name: 'Jane' }),
    ).rejects.toMatchObject({ code: 'INVALID_EMAIL' });
  });
});

describe('logging in', () => {
  async function withJane() {
    const app = identityFixture();
    const jane = await app.register.execute({ email: 'jane@example.com', password: PASSWORD, name: 'Jane' });
    app.hasher.verified.length = 0;
    return { app, jane };
  }

  it('issues a token of the member and its role for the right password, whatever the case of the email', async () => {
    const { app, jane } = await withJane();

    const issued = await app.logIn.execute({ email: ' JANE@example.com', password: PASSWORD });

    expect(issued.expiresIn).toBe(3600);
    expect(await app.tokens.verify(issued.accessToken)).toEqual({ memberId: jane.id, role: 'USER' });
  });

  it('refuses a wrong password with INVALID_CREDENTIALS', async () => {
    const { app } = await withJane();

    await expect(
      app.logIn.execute({ email: 'jane@example.com', password: 'wrong horse battery' }),
    ).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
  });

  it('refuses an unknown email exactly like a wrong password, after checking a password all the same', async () => {
    const { app } = await withJane();

    await expect(app.logIn.execute({ email: 'john@example.com', password: PASSWORD })).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
      message: 'Email or password is wrong',
    });
    // The time a verify costs is spent either way, so timing does not reveal which emails have accounts.
    expect(app.hasher.verified).toEqual([PASSWORD]);
  });

  it('answers SERVICE_UNAVAILABLE while hashing is refused, and checks unknown emails again once it is back', async () => {
    const { app } = await withJane();
    const hash = jest.spyOn(app.hasher, 'hash');
    hash.mockRejectedValueOnce(new StoreUnavailableError('password hashing'));

    await expect(app.logIn.execute({ email: 'john@example.com', password: PASSWORD })).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
    });
    // The refused decoy hash is not remembered: the next unknown email is refused as usual.
    await expect(app.logIn.execute({ email: 'john@example.com', password: PASSWORD })).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    expect(hash).toHaveBeenCalledTimes(2);
  });

  it('refuses a malformed email with INVALID_CREDENTIALS, not a validation error that would tell it apart', async () => {
    const { app } = await withJane();

    await expect(app.logIn.execute({ email: 'not an email', password: PASSWORD })).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
  });
});

describe('the member behind a token', () => {
  it('is read back for its own actor, and a token whose member is gone answers INVALID_TOKEN', async () => {
    const app = identityFixture();
    const jane = await app.register.execute({ email: 'jane@example.com', password: PASSWORD, name: 'Jane' });

    await expect(app.getMember.execute({ memberId: jane.id, role: 'USER' })).resolves.toMatchObject({ id: jane.id });
    await expect(app.getMember.execute({ memberId: 'deleted-member', role: 'USER' })).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
    });
  });
});

describe('ensuring the admin', () => {
  it('creates the ADMIN once and names it every time after, so start-up tasks can act as it', async () => {
    const app = identityFixture();

    const created = await app.ensureAdmin.execute('admin@example.com', 'an admin passphrase');
    const again = await app.ensureAdmin.execute('ADMIN@example.com', 'an admin passphrase');

    expect(created.outcome).toBe('created');
    expect(again).toEqual({ outcome: 'exists', memberId: created.memberId });
    expect((await app.members.findById(created.memberId))!.role).toBe('ADMIN');
  });
});
