import { EMAIL_MAX_LENGTH } from '../../../domain/identity/email';
import { MEMBER_NAME_MAX_LENGTH } from '../../../domain/identity/member';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../../domain/identity/password-policy';
import { PLAIN_TEXT, isoInstant, uuid, z } from './zod';

// The schemas bound sizes (400 VALIDATION_FAILED past them); the email's shape, the password's
// strength and the name's length are business rules (422 INVALID_EMAIL, WEAK_PASSWORD,
// VALIDATION_FAILED). The document states the business bounds too, so a value it allows is
// refused for no bound it does not state.
const EMAIL_INPUT_MAX_LENGTH = 320;
const PASSWORD_INPUT_MAX_LENGTH = 1024;
const NAME_INPUT_MAX_LENGTH = 200;

/** Surrounding white space is trimmed; what is left has the domain's shape and size. */
const EMAIL_PATTERN = `^\\s*(?=\\S{1,${EMAIL_MAX_LENGTH}}\\s*$)[^\\s@]+@[^\\s@]+\\.[^\\s@]+\\s*$`;
/** 1 to N characters once trimmed. */
const trimmedLength = (max: number) => `^\\s*\\S(?:[\\s\\S]{0,${max - 2}}\\S)?\\s*$`;

export const RegisterMemberBody = z
  .strictObject({
    email: z
      .string()
      .max(EMAIL_INPUT_MAX_LENGTH)
      .openapi({
        format: 'email',
        pattern: EMAIL_PATTERN,
        example: 'jane@example.com',
        description: `An address with one @ and a dot in its domain, at most ${EMAIL_MAX_LENGTH} characters once trimmed (else 422 INVALID_EMAIL); compared case-insensitively`,
      }),
    password: z
      .string()
      .max(PASSWORD_INPUT_MAX_LENGTH)
      .openapi({
        format: 'password',
        minLength: PASSWORD_MIN_LENGTH,
        maxLength: PASSWORD_MAX_LENGTH,
        example: 'correct horse battery',
        description:
          `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters, at least 4 different ones, neither a well-known ` +
          'password nor the email address (else 422 WEAK_PASSWORD)',
      }),
    name: z
      .string()
      .max(NAME_INPUT_MAX_LENGTH)
      .openapi({
        pattern: trimmedLength(MEMBER_NAME_MAX_LENGTH),
        example: 'Jane Doe',
        description: `1 to ${MEMBER_NAME_MAX_LENGTH} characters once surrounding white space is trimmed (else 422 VALIDATION_FAILED)`,
      }),
  })
  .openapi('RegisterMemberRequest');

export const LogInBody = z
  .strictObject({
    email: z.string().max(EMAIL_INPUT_MAX_LENGTH).openapi({
      example: 'jane@example.com',
      description: 'The email the member signed up with; anything else is 401 INVALID_CREDENTIALS',
    }),
    password: z
      .string()
      .max(PASSWORD_INPUT_MAX_LENGTH)
      .openapi({ format: 'password', example: 'correct horse battery' }),
  })
  .openapi('LogInRequest');

export const MemberSchema = z
  .object({
    id: uuid(),
    email: z.string().max(EMAIL_MAX_LENGTH).openapi({ format: 'email', description: 'Trimmed and lower-cased' }),
    name: z.string().min(1).max(MEMBER_NAME_MAX_LENGTH).openapi({ pattern: PLAIN_TEXT, example: 'Jane Doe' }),
    role: z.enum(['USER', 'STAFF', 'ADMIN']).openapi({
      description: 'USER buys; STAFF checks tickets in (created by an admin); ADMIN does both and runs the service',
    }),
    createdAt: isoInstant(),
  })
  .openapi('Member');

/** A compact JWS: three base64url parts. */
const ACCESS_TOKEN_MAX_LENGTH = 2048;

export const TokenSchema = z
  .object({
    accessToken: z.string().max(ACCESS_TOKEN_MAX_LENGTH).openapi({
      pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
      description: 'An HS256-signed JWT; send it as `Authorization: Bearer <token>`',
    }),
    tokenType: z.literal('Bearer'),
    expiresIn: z
      .number()
      .int()
      .min(1)
      .max(Number.MAX_SAFE_INTEGER)
      .openapi({ format: 'int64', description: 'Seconds until the token expires (TOKEN_TTL_SECONDS)', example: 3600 }),
  })
  .openapi('AccessToken');

export type MemberJson = z.infer<typeof MemberSchema>;
export type TokenJson = z.infer<typeof TokenSchema>;
