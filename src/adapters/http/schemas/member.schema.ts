import { isoDateTime, uuid, z } from './zod';

// Formats and password strength are business rules (422 INVALID_EMAIL / WEAK_PASSWORD), so
// the schemas only check shapes and bound sizes.
export const RegisterMemberBody = z
  .strictObject({
    email: z.string().max(320).openapi({ example: 'jane@example.com' }),
    password: z.string().max(1024).openapi({ example: 'correct horse battery', description: '8 to 128 characters' }),
    name: z.string().max(200).openapi({ example: 'Jane Doe' }),
  })
  .openapi('RegisterMemberRequest');

export const LogInBody = z
  .strictObject({
    email: z.string().max(320).openapi({ example: 'jane@example.com' }),
    password: z.string().max(1024),
  })
  .openapi('LogInRequest');

export const MemberSchema = z
  .object({
    id: uuid(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['USER', 'ADMIN']),
    createdAt: isoDateTime(),
  })
  .openapi('Member');

export const TokenSchema = z
  .object({
    accessToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().openapi({ description: 'Seconds until the token expires' }),
  })
  .openapi('AccessToken');

export type MemberJson = z.infer<typeof MemberSchema>;
export type TokenJson = z.infer<typeof TokenSchema>;
