import { isoInstant, z } from './zod';

/** An admission token is a compact JWS of a few hundred bytes; anything longer is not one. */
export const ADMISSION_TOKEN_MAX_LENGTH = 2048;
export const ADMISSION_TOKEN_HEADER = 'Admission-Token';

const position = () =>
  z.number().int().min(1).max(2_147_483_647).openapi({
    format: 'int32',
    description:
      '1 = next. Before salesOpenAt the order is not drawn yet: every member of the pre-queue is told its size',
  });

export const QueueStatusSchema = z
  .object({
    state: z.enum(['WAITING', 'ADMITTED', 'EXPIRED']).openapi({
      description:
        'WAITING (position, etaSeconds, pollAfterMs), ADMITTED (admissionToken, admissionExpiresAt) or EXPIRED ' +
        '(the admission window is over; POST …/queue joins again at the back)',
    }),
    position: position().optional(),
    etaSeconds: z
      .number()
      .int()
      .min(0)
      .max(2_147_483_647)
      .optional()
      .openapi({ format: 'int32', description: 'Expected wait at the configured admission rate' }),
    pollAfterMs: z.number().int().min(1000).max(60_000).optional().openapi({
      format: 'int32',
      description: 'When to poll again; a member that stops polling for QUEUE_ABANDON_SECONDS is dropped',
    }),
    admissionToken: z
      .string()
      .max(ADMISSION_TOKEN_MAX_LENGTH)
      .optional()
      .openapi({
        pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
        description:
          'An EdDSA (Ed25519) JWT for this member and performance (sub, aud performance:<id>, jti, iat, exp), ' +
          'verifiable with GET /.well-known/jwks.json; send it as the Admission-Token header of POST /reservations',
      }),
    admissionExpiresAt: isoInstant().optional().openapi({ description: 'When the admission token stops working' }),
    admittedAt: isoInstant().optional().openapi({ description: 'EXPIRED: when the member was admitted' }),
  })
  .openapi('QueueStatus');

export const AdmissionTokenHeaders = z.object({
  [ADMISSION_TOKEN_HEADER]: z
    .string()
    .max(ADMISSION_TOKEN_MAX_LENGTH)
    .optional()
    .openapi({
      pattern: '^[A-Za-z0-9_.-]+$',
      description:
        'Required on a performance with a waiting room: the admissionToken of GET …/queue/me. Missing: 403 ' +
        'ADMISSION_REQUIRED; not a valid token of this member for this performance: 403 ADMISSION_INVALID; past its ' +
        'exp: 403 ADMISSION_EXPIRED',
    }),
});

export const JwksSchema = z
  .object({
    keys: z
      .array(
        z
          .object({
            kty: z.string().max(8).openapi({ example: 'OKP', pattern: '^[A-Z]+$' }),
            crv: z.string().max(16).optional().openapi({ example: 'Ed25519', pattern: '^[A-Za-z0-9-]+$' }),
            x: z.string().max(512).optional().openapi({ pattern: '^[A-Za-z0-9_-]+$' }),
            kid: z.string().max(128).openapi({ pattern: '^[A-Za-z0-9_-]+$', description: 'The RFC 7638 thumbprint' }),
            alg: z.string().max(16).openapi({ example: 'EdDSA', pattern: '^[A-Za-z0-9]+$' }),
            use: z.enum(['sig']),
          })
          .openapi('PublicJwk'),
      )
      .max(32),
  })
  .openapi('JsonWebKeySet');
