import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO_ROOT } from './cluster';

const run = promisify(execFile);

/**
 * Once per `npm run test:cluster`: the cluster tests run `node dist/bootstrap/main.js`, as
 * production does, so dist/ is built from the current sources first. nginx must be installed.
 */
export default async function buildOnce(): Promise<void> {
  await run('nginx', ['-v']).catch(() => {
    throw new Error('The cluster tests need nginx (Debian: apt-get install -y nginx; never start the system service)');
  });
  const started = Date.now();
  await run('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, timeout: 180_000 }).catch(
    (error: { stdout?: string; stderr?: string }) => {
      throw new Error(`npm run build failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    },
  );
  console.log(`\ncluster tests: built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
