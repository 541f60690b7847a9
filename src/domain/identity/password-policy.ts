import { characterCount } from '../shared/text';
import { WeakPasswordError } from './member.errors';

export const PASSWORD_MIN_LENGTH = 8;
/** argon2 accepts more, but unbounded input is a cheap way to burn our CPU. */
export const PASSWORD_MAX_LENGTH = 128;

// The top of every leaked-password list; NIST SP 800-63B asks to refuse known-compromised values.
const COMMON_PASSWORDS = new Set([
  'password',
  'password1',
  'password123',
  '12345678',
  '123456789',
  '1234567890',
  'qwerty123',
  'qwertyuiop',
  '11111111',
  '00000000',
  'iloveyou',
  'abc12345',
  'admin123',
  'welcome1',
  'letmein1',
  'football',
  'baseball',
  'sunshine',
  'princess',
  'passw0rd',
]);

/** Length first, as NIST recommends, plus a refusal of the most common and self-revealing choices. */
export function assertAcceptablePassword(password: string, email: string): void {
  const length = characterCount(password);
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) {
    throw new WeakPasswordError(`Password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long`);
  }
  if (COMMON_PASSWORDS.has(password.toLowerCase())) {
    throw new WeakPasswordError('Password is too common');
  }
  if (password.toLowerCase() === email.toLowerCase() || password.toLowerCase() === email.split('@')[0]?.toLowerCase()) {
    throw new WeakPasswordError('Password must not be the email address');
  }
  if (new Set(password).size < 4) {
    throw new WeakPasswordError('Password must use at least 4 different characters');
  }
}
