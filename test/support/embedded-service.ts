import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { Clock } from '../../src/application/shared/ports/clock';
import { type Application, createApplication } from '../../src/bootstrap/application';
import { loadConfig } from '../../src/bootstrap/config';
import { fastHasher, TEST_ADMIN } from './full-stack';

export interface EmbeddedService {
  readonly application: Application;
  readonly baseUrl: string;
  stop(): Promise<void>;
}

/** The whole service as `npm start` builds it in the embedded mode (in-memory stores), on an ephemeral port. */
export async function startEmbeddedService(
  env: Record<string, string> = {},
  options: { clock?: Clock } = {},
): Promise<EmbeddedService> {
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    JWT_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    RATE_LIMIT_ENABLED: 'false',
    DEMO_DATA: 'false',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const application = await createApplication(config, pino({ level: 'silent' }), {
    passwordHasher: fastHasher,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const server = await application.listen();
  const { port } = server.address() as AddressInfo;
  return { application, baseUrl: `http://127.0.0.1:${port}`, stop: () => application.stop() };
}
