import { generateKeyPairSync } from 'node:crypto';
import pino from 'pino';
import { admissionSigningKey } from '../../../src/bootstrap/admission';
import { ConfigError, loadConfig } from '../../../src/bootstrap/config';

/** A logger whose lines the test reads. */
function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('configuration of the waiting room', () => {
  it('drops silent members after 60 s unless QUEUE_ABANDON_SECONDS says otherwise', () => {
    expect(loadConfig({}).admission.abandonSeconds).toBe(60);
    expect(loadConfig({ QUEUE_ABANDON_SECONDS: '90' }).admission.abandonSeconds).toBe(90);
    expect(() => loadConfig({ QUEUE_ABANDON_SECONDS: '0' })).toThrow(ConfigError);
  });

  it('reads ADMISSION_SIGNING_KEY as PKCS#8 PEM, with \\n written out in a one-line env file too', () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const { logger, lines } = recordingLogger();
    const fromPem = admissionSigningKey(loadConfig({ ADMISSION_SIGNING_KEY: pem }), logger);
    const fromOneLine = admissionSigningKey(
      loadConfig({ ADMISSION_SIGNING_KEY: pem.trim().replaceAll('\n', '\\n') }),
      logger,
    );
    expect(fromOneLine.publicJwk).toEqual(fromPem.publicJwk);
    expect(fromPem.publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(lines).toEqual([]);
  });

  it('refuses a key that is not Ed25519 PKCS#8 PEM, saying which setting is wrong', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const { logger } = recordingLogger();
    for (const value of ['not a key', rsa]) {
      expect(() => admissionSigningKey(loadConfig({ ADMISSION_SIGNING_KEY: value }), logger)).toThrow(
        /ADMISSION_SIGNING_KEY/,
      );
    }
  });

  it('generates a key when none is set, and says so in a warning', () => {
    const { logger, lines } = recordingLogger();
    const key = admissionSigningKey(loadConfig({}), logger);
    expect(key.publicJwk.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        kid: key.publicJwk.kid,
        msg: expect.stringMatching(/ADMISSION_SIGNING_KEY not set/),
      }),
    ]);
  });
});
