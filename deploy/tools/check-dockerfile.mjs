#!/usr/bin/env node
// Documented Dockerfile checks that a syntax linter (dockerfile-utils, run by validate.sh)
// does not make; hadolint is not packaged for Debian or npm.
//   1. base images pinned to a version (no implicit or explicit :latest)
//   2. multi-stage, with the runtime installing production dependencies only (npm ci --omit=dev)
//   3. the final stage runs as a non-root, numeric USER (Kubernetes runAsNonRoot can verify it)
//   4. HEALTHCHECK on /healthz without curl/wget (not in the slim image)
//   5. EXPOSE 3000; CMD in exec form starting `node` (signals reach the service, not npm/sh)
//   6. OCI labels version and revision come from build args
//   7. <Dockerfile>.dockerignore starts by excluding everything and re-includes every
//      context path the Dockerfile COPYs (and nothing like .env or node_modules)
// Usage: node deploy/tools/check-dockerfile.mjs [deploy/Dockerfile]
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dockerfile = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'Dockerfile'));
const text = readFileSync(dockerfile, 'utf8');
// Logical instructions: drop comments, join backslash continuations.
const instructions = text
  .split('\n')
  .filter((line) => !/^\s*#/.test(line))
  .join('\n')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter(Boolean)
  .map((line) => {
    const [, keyword, rest] = /^(\S+)\s*(.*)$/.exec(line);
    return { keyword: keyword.toUpperCase(), rest };
  });

const problems = [];
const check = (ok, message) => ok || problems.push(message);

const args = new Map();
for (const { keyword, rest } of instructions) {
  if (keyword !== 'ARG') continue;
  const [, name, value] = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(rest) ?? [];
  if (name && !args.has(name)) args.set(name, (value ?? '').replace(/^"|"$/g, ''));
}
const expand = (value) => value.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name) => args.get(name) ?? '');

const froms = instructions.filter((i) => i.keyword === 'FROM');
const stageNames = new Set(froms.map((f) => /\bAS\s+(\S+)/i.exec(f.rest)?.[1]).filter(Boolean));
check(froms.length >= 2, 'expected a multi-stage build');
for (const from of froms) {
  const image = expand(from.rest.replace(/--platform=\S+\s+/, '').split(/\s+/)[0]);
  if (stageNames.has(image)) continue;
  check(/(:[\w.-]+|@sha256:[0-9a-f]{64})$/.test(image) && !/:latest$/.test(image), `FROM ${image}: pin a version tag or digest`);
}
const finalStageStart = instructions.lastIndexOf(froms.at(-1));
const finalStage = instructions.slice(finalStageStart);
const runs = instructions.filter((i) => i.keyword === 'RUN').map((i) => i.rest).join('\n');
check(/npm ci\b[^\n]*--omit=dev/.test(runs), 'production dependencies must be installed with `npm ci --omit=dev`');
check(!finalStage.some((i) => i.keyword === 'RUN' && /npm (ci|install)(?![^\n]*--omit=dev)/.test(i.rest)), 'the runtime stage must not install dev dependencies');

const user = finalStage.filter((i) => i.keyword === 'USER').at(-1)?.rest;
check(user && /^\d+(:\d+)?$/.test(user) && !/^0(:|$)/.test(user), `final USER must be numeric and non-root (is ${user ?? 'unset'})`);

const healthcheck = instructions.filter((i) => i.keyword === 'HEALTHCHECK').at(-1)?.rest ?? '';
check(/\/healthz/.test(healthcheck), 'HEALTHCHECK must probe /healthz');
check(!/\b(curl|wget)\b/.test(healthcheck), 'HEALTHCHECK must not need curl/wget');
check(instructions.some((i) => i.keyword === 'EXPOSE' && /\b3000\b/.test(i.rest)), 'EXPOSE 3000 is required');

const cmd = finalStage.filter((i) => i.keyword === 'CMD').at(-1)?.rest ?? '';
let cmdArgs = null;
try {
  cmdArgs = JSON.parse(cmd);
} catch {
  /* shell form */
}
check(Array.isArray(cmdArgs) && cmdArgs[0] === 'node', 'CMD must be exec form starting with "node" (not npm or a shell)');
check(!finalStage.some((i) => i.keyword === 'ENTRYPOINT' && /\bnpm\b|\bsh\b/.test(i.rest)), 'ENTRYPOINT must not wrap the service in npm or a shell');

const labels = finalStage.filter((i) => i.keyword === 'LABEL').map((i) => i.rest).join(' ');
check(/org\.opencontainers\.image\.version="?\$\{?VERSION/.test(labels), 'LABEL org.opencontainers.image.version must come from ARG VERSION');
check(/org\.opencontainers\.image\.revision="?\$\{?REVISION/.test(labels), 'LABEL org.opencontainers.image.revision must come from ARG REVISION');

const ignoreFile = `${dockerfile}.dockerignore`;
if (!existsSync(ignoreFile)) {
  problems.push(`${path.basename(ignoreFile)} is missing (BuildKit reads it for this Dockerfile)`);
} else {
  const patterns = readFileSync(ignoreFile, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  check(patterns[0] === '*', `${path.basename(ignoreFile)} must start with "*" (allow-list)`);
  const included = new Set(patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1).replace(/\/$/, '')));
  for (const { rest } of instructions.filter((i) => i.keyword === 'COPY' && !/--from=/.test(i.rest))) {
    const parts = rest.split(/\s+/).filter((p) => !p.startsWith('--'));
    for (const source of parts.slice(0, -1)) {
      check(included.has(source.replace(/\/$/, '')), `COPY ${source}: not re-included by ${path.basename(ignoreFile)}`);
    }
  }
  for (const secret of ['.env', 'node_modules', '.git', 'deploy']) {
    check(!included.has(secret), `${path.basename(ignoreFile)} must not send ${secret}`);
  }
}

if (problems.length > 0) {
  console.error(`FAIL ${path.relative(process.cwd(), dockerfile)}`);
  for (const line of problems) console.error(`  - ${line}`);
  process.exit(1);
}
console.log(`ok   ${path.relative(process.cwd(), dockerfile)}: ${froms.length} stages, USER ${user}, healthcheck, pinned bases, allow-list ignore file`);
