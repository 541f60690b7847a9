import { maskEmail, normalizeEmail } from '../../../src/domain/identity/email';
import { Member } from '../../../src/domain/identity/member';
import { InvalidEmailError, WeakPasswordError } from '../../../src/domain/identity/member.errors';
import { assertAcceptablePassword } from '../../../src/domain/identity/password-policy';
import { Money } from '../../../src/domain/shared/money';
import { ValidationError } from '../../../src/domain/shared/domain-error';
import { T0 } from '../../support/builders';

describe('identity rules', () => {
  it('compares emails case-insensitively by normalising them', () => {
    expect(normalizeEmail('  Jane.Doe@Example.COM ')).toBe('jane.doe@example.com');
    expect(() => normalizeEmail('not-an-email')).toThrow(InvalidEmailError);
    expect(() => normalizeEmail(`${'a'.repeat(250)}@x.io`)).toThrow(InvalidEmailError);
  });

  it('masks emails for logs', () => {
    expect(maskEmail('jane.doe@example.com')).toBe('j***@example.com');
  });

  it.each([
    ['too short', 'short1'],
    ['too long', 'x1'.repeat(65)],
    ['a well-known password', 'Password123'],
    ['the email itself', 'jane@example.com'],
    ['too few distinct characters', 'aaaaabbbbb'],
  ])('refuses a password that is %s', (_case, password) => {
    expect(() => assertAcceptablePassword(password, 'jane@example.com')).toThrow(WeakPasswordError);
  });

  it('refuses the mailbox name as password, in any case', () => {
    expect(() => assertAcceptablePassword('JaneDoe1987', 'janedoe1987@example.com')).toThrow(WeakPasswordError);
  });

  it('accepts a long enough, uncommon password', () => {
    expect(() => assertAcceptablePassword('correct horse battery', 'jane@example.com')).not.toThrow();
  });

  it('registers members with a normalized email and a trimmed name, as USER unless told', () => {
    const member = Member.register({
      id: 'm',
      email: 'Jane@Example.com',
      name: ' Jane ',
      passwordHash: 'h',
      role: 'USER',
      now: T0,
    });
    expect(member.toSnapshot()).toMatchObject({ email: 'jane@example.com', name: 'Jane', role: 'USER' });
    expect(member.isAdmin).toBe(false);
    expect(() =>
      Member.register({ id: 'm', email: 'a@b.co', name: '', passwordHash: 'h', role: 'USER', now: T0 }),
    ).toThrow(ValidationError);
  });
});

describe('Money', () => {
  it('adds amounts of one currency only, as integers', () => {
    expect(Money.of(150_000, 'KRW').add(Money.of(90_000, 'KRW'))).toEqual(Money.of(240_000, 'KRW'));
    expect(() => Money.of(1, 'KRW').add(Money.of(1, 'USD'))).toThrow(ValidationError);
    expect(() => Money.of(1.5, 'USD')).toThrow(ValidationError);
    expect(() => Money.of(-1, 'USD')).toThrow(ValidationError);
    expect(() => Money.of(1, 'usd')).toThrow(ValidationError);
  });
});
