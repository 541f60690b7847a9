#!/usr/bin/env node
// Contract checks for deploy/compose.yaml beyond the compose-spec schema (dclint does that):
// the replicated app has no host port and starts after a successful one-shot migration,
// MySQL/Redis have health checks, nginx balances over the app service, every variable the
// compose file requires is documented in .env.example, and every app variable is one the
// service knows.   Usage: node deploy/tools/check-compose.mjs [deploy-dir]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { SERVICE_ENV } from './service-env.mjs';

const deployDir = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
const composeText = readFileSync(path.join(deployDir, 'compose.yaml'), 'utf8');
const compose = parse(composeText, { merge: true });
const envExample = readFileSync(path.join(deployDir, '.env.example'), 'utf8');
const nginxConf = readFileSync(path.join(deployDir, 'nginx', 'nginx.conf'), 'utf8');

const problems = [];
const check = (ok, message) => ok || problems.push(message);
const services = compose?.services ?? {};
const { app, migrate, mysql, redis, nginx, jaeger } = services;

check(app && migrate && mysql && redis && nginx && jaeger, 'services app, migrate, mysql, redis, nginx and jaeger are all required');
if (app) {
  const replicas = app.deploy?.replicas;
  check(Number.isInteger(replicas) && replicas >= 2, `app.deploy.replicas must be an integer >= 2 (is ${JSON.stringify(replicas)})`);
  check(!app.ports, 'app must not publish host ports (replicas would collide; nginx is the entry point)');
  check(!app.container_name, 'app must not set container_name (it prevents replicas)');
  check(app.depends_on?.migrate?.condition === 'service_completed_successfully', 'app must depend on migrate with condition service_completed_successfully');
  check(app.depends_on?.mysql?.condition === 'service_healthy', 'app must wait for mysql to be healthy');
  check(app.depends_on?.redis?.condition === 'service_healthy', 'app must wait for redis to be healthy');
  const env = app.environment ?? {};
  check(!Array.isArray(env), 'app.environment must be a mapping');
  for (const name of Object.keys(env)) check(SERVICE_ENV.has(name), `app.environment.${name} is not a variable the service reads`);
  check(/jaeger:4318/.test(String(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '')), 'app must export OTLP to the jaeger service (http://jaeger:4318)');
  check(String(env.MIGRATE_ON_START) === 'false', 'app must not migrate on start (the migrate service does)');
}
if (migrate) {
  const command = [].concat(migrate.command ?? []).join(' ');
  check(/migrate\.js latest/.test(command), 'migrate must run `node dist/bootstrap/migrate.js latest`');
  check(String(migrate.restart ?? 'no') === 'no', 'migrate is one-shot: restart must be "no"');
  check(!migrate.deploy?.replicas || migrate.deploy.replicas === 1, 'migrate must run once');
  for (const name of Object.keys(migrate.environment ?? {})) check(SERVICE_ENV.has(name), `migrate.environment.${name} is unknown`);
}
check(mysql?.healthcheck?.test && /^mysql:8/.test(mysql?.image ?? ''), 'mysql must be a MySQL 8 image with a healthcheck');
check(redis?.healthcheck?.test && /^redis:7/.test(redis?.image ?? ''), 'redis must be a Redis 7 image with a healthcheck');
check(/^jaegertracing\//.test(jaeger?.image ?? ''), 'jaeger must run a jaegertracing image');
check((nginx?.volumes ?? []).some((v) => String(v).startsWith('./nginx/nginx.conf:')), 'nginx must mount ./nginx/nginx.conf');
check(nginx?.depends_on?.app, 'nginx must depend on app');

// nginx.conf: upstream over the compose service name, keepalive, forwarded headers.
const upstreamServers = [...nginxConf.matchAll(/^\s*server\s+([A-Za-z0-9_.-]+):(\d+)/gm)];
check(upstreamServers.length > 0, 'nginx.conf: no upstream `server host:port`');
for (const [, host, port] of upstreamServers) {
  check(host in services, `nginx.conf: upstream host "${host}" is not a compose service`);
  check(port === '3000', `nginx.conf: upstream port ${port} is not the service port 3000`);
}
check(/^\s*keepalive\s+\d+;/m.test(nginxConf), 'nginx.conf: upstream keepalive is required');
check(/proxy_set_header\s+Connection\s+"";/.test(nginxConf) && /proxy_http_version\s+1\.1;/.test(nginxConf), 'nginx.conf: keepalive needs proxy_http_version 1.1 and an empty Connection header');
check(/proxy_set_header\s+X-Forwarded-For\s+\$proxy_add_x_forwarded_for;/.test(nginxConf), 'nginx.conf: X-Forwarded-For must be passed');

// Every ${VAR} the compose file uses is documented in .env.example.
const documented = new Set([...envExample.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));
const used = new Set([...composeText.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]));
for (const name of used) check(documented.has(name), `.env.example does not document ${name}, used by compose.yaml`);
for (const name of documented) check(used.has(name), `.env.example documents ${name}, which compose.yaml never uses`);

if (problems.length > 0) {
  console.error('FAIL compose contract');
  for (const line of problems) console.error(`  - ${line}`);
  process.exit(1);
}
console.log(`ok   compose contract: ${Object.keys(services).length} services, app x${app.deploy.replicas}, ${used.size} variables documented`);
