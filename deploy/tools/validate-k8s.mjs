#!/usr/bin/env node
// Offline validation of rendered Kubernetes manifests (the output of `kubectl kustomize`).
//
//   node deploy/tools/validate-k8s.mjs [--production] [--external-secret NAME]... rendered.yaml
//
// 1. Schema: every object is validated against the Kubernetes OpenAPI JSON schemas bundled
//    in the npm package `kubernetes-models` (v4.x: generated from Kubernetes ~1.33; types,
//    required fields, enums, formats). Nothing is fetched at run time.
// 2. Unknown fields (what kubeconform -strict catches, e.g. `readinessProbes:`): the same
//    objects are type-checked as object literals against the package's TypeScript
//    interfaces, whose excess-property check rejects any field the API does not define.
// 3. Contract: probes on /readyz and /healthz, a startup probe, resources, a non-root
//    read-only container, grace period > preStop + SHUTDOWN_TIMEOUT_MS, selectors that
//    match, every referenced ConfigMap/Secret present, and (--production) pinned images.
// Exits 1 on any problem.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { SERVICE_ENV } from './service-env.mjs';

const require = createRequire(import.meta.url);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const args = process.argv.slice(2);
const production = args.includes('--production');
const externalSecrets = new Set();
let file;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--external-secret') externalSecrets.add(args[++i]);
  else if (args[i] !== '--production') file = args[i];
}
if (!file) {
  console.error('usage: validate-k8s.mjs [--production] [--external-secret NAME]... rendered.yaml');
  process.exit(2);
}

const problems = [];
const problem = (where, message) => problems.push(`${where}: ${message}`);

// ---- parse ------------------------------------------------------------------------------
const objects = [];
for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
  if (document.errors.length > 0) {
    for (const error of document.errors) problem(file, `YAML: ${error.message}`);
    continue;
  }
  const value = document.toJS();
  if (value !== null && value !== undefined) objects.push(value);
}
const idOf = (o) => `${o?.kind ?? '?'}/${o?.metadata?.name ?? '?'}`;

// ---- 1. schema --------------------------------------------------------------------------
const modules = new Map();
for (const object of objects) {
  const { apiVersion, kind } = object ?? {};
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    problem(idOf(object), 'apiVersion and kind are required');
    continue;
  }
  const specifier = `kubernetes-models/${apiVersion}/${kind}`;
  let Model;
  try {
    Model = require(specifier)[kind];
  } catch {
    problem(idOf(object), `no bundled schema for ${apiVersion} ${kind} (unknown or removed API version?)`);
    continue;
  }
  modules.set(object, { specifier, kind });
  try {
    new Model(object).validate();
  } catch (error) {
    problem(idOf(object), `schema: ${error.message}`);
  }
}

// ---- 2. unknown fields (TypeScript excess-property check) --------------------------------
{
  const ts = require('typescript');
  const imports = new Map();
  const chunks = [];
  const owners = []; // { startLine (within the body), object }
  let bodyLines = 0;
  for (const [object, { specifier, kind }] of modules) {
    if (!imports.has(specifier)) imports.set(specifier, { alias: `T${imports.size}`, kind });
    const chunk = `export const doc${chunks.length}: ${imports.get(specifier).alias} = ${JSON.stringify(object, null, 2)};`;
    owners.push({ startLine: bodyLines, object });
    chunks.push(chunk);
    bodyLines += chunk.split('\n').length;
  }
  const header = [...imports].map(([specifier, { alias, kind }]) => `import type { I${kind} as ${alias} } from '${specifier}';`);
  const body = chunks.join('\n');
  const source = `${header.join('\n')}\n${body}\n`;
  // A virtual file inside the repository, so `kubernetes-models` resolves from its node_modules.
  const virtualFile = path.join(repoRoot, 'deploy', 'tools', '__k8s_strict_check__.ts');
  const options = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, ...rest) =>
    path.resolve(name) === virtualFile
      ? ts.createSourceFile(name, source, languageVersion, true)
      : getSourceFile(name, languageVersion, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === virtualFile || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (path.resolve(name) === virtualFile ? source : readFile(name));
  const program = ts.createProgram([virtualFile], options, host);
  const sourceLines = source.split('\n');
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (!diagnostic.file || path.resolve(diagnostic.file.fileName) !== virtualFile) {
      problem('typecheck', message);
      continue;
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    const snippet = (sourceLines[line] ?? '').trim();
    // The object this line belongs to: the last one starting at or before it.
    const bodyLine = line - header.length;
    const owner = owners.filter((candidate) => candidate.startLine <= bodyLine).at(-1);
    problem(idOf(owner?.object), `field check: ${message} (at \`${snippet}\`)`);
  }
}

// ---- 3. contract ------------------------------------------------------------------------
const byKind = (kind) => objects.filter((o) => o?.kind === kind);
const named = (kind, name) => objects.find((o) => o?.kind === kind && o?.metadata?.name === name);
const matches = (selector = {}, labels = {}) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

function checkPodSpec(owner, podSpec) {
  const where = idOf(owner);
  if (!podSpec) return problem(where, 'no pod template spec');
  const podSecurity = podSpec.securityContext ?? {};
  for (const container of podSpec.containers ?? []) {
    const at = `${where} container ${container.name}`;
    const security = container.securityContext ?? {};
    if (!(security.runAsNonRoot ?? podSecurity.runAsNonRoot)) problem(at, 'runAsNonRoot must be true');
    if (security.readOnlyRootFilesystem !== true) problem(at, 'readOnlyRootFilesystem must be true');
    if (security.allowPrivilegeEscalation !== false) problem(at, 'allowPrivilegeEscalation must be false');
    if (!(security.capabilities?.drop ?? []).includes('ALL')) problem(at, 'capabilities.drop must include ALL');
    const { requests = {}, limits = {} } = container.resources ?? {};
    if (!requests.cpu || !requests.memory) problem(at, 'resources.requests.cpu and .memory are required');
    if (!limits.memory) problem(at, 'resources.limits.memory is required');
    if (production) {
      const image = String(container.image ?? '');
      const pinned = /@sha256:[0-9a-f]{64}$/.test(image) || /:[^/:@]+$/.test(image);
      if (!pinned || /:latest$/.test(image)) problem(at, `image "${image}" must carry a version tag or digest (not latest)`);
    }
    for (const source of container.envFrom ?? []) {
      if (source.configMapRef && !source.configMapRef.optional && !named('ConfigMap', source.configMapRef.name)) {
        problem(at, `envFrom ConfigMap ${source.configMapRef.name} is not in the output`);
      }
      const secret = source.secretRef?.name;
      if (secret && !source.secretRef.optional && !named('Secret', secret) && !externalSecrets.has(secret)) {
        problem(at, `envFrom Secret ${secret} is not in the output (pass --external-secret ${secret} if created out of band)`);
      }
    }
  }
  for (const container of podSpec.containers ?? []) {
    const names = [
      ...(container.env ?? []).map((e) => e.name),
      ...(container.envFrom ?? []).flatMap((source) => {
        const ref = source.configMapRef ?? source.secretRef;
        const object = ref && named(source.configMapRef ? 'ConfigMap' : 'Secret', ref.name);
        return Object.keys({ ...(object?.data ?? {}), ...(object?.stringData ?? {}) });
      }),
    ];
    for (const name of names) {
      if (!SERVICE_ENV.has(name)) problem(`${where} container ${container.name}`, `environment variable ${name} is not one the service reads`);
    }
  }
  for (const volume of podSpec.volumes ?? []) {
    if (volume.configMap && !volume.configMap.optional && !named('ConfigMap', volume.configMap.name)) {
      problem(where, `volume ${volume.name}: ConfigMap ${volume.configMap.name} is not in the output`);
    }
  }
}

const envValue = (podSpec, container, key) => {
  const direct = (container.env ?? []).find((e) => e.name === key);
  if (direct?.value !== undefined) return direct.value;
  for (const source of container.envFrom ?? []) {
    const cm = source.configMapRef && named('ConfigMap', source.configMapRef.name);
    if (cm?.data?.[key] !== undefined) return cm.data[key];
  }
  return undefined;
};

const deployments = byKind('Deployment');
const jobs = byKind('Job');
if (deployments.length === 0) problem(file, 'no Deployment');
for (const deployment of deployments) {
  const where = idOf(deployment);
  const template = deployment.spec?.template;
  checkPodSpec(deployment, template?.spec);
  if (!matches(deployment.spec?.selector?.matchLabels, template?.metadata?.labels)) {
    problem(where, 'spec.selector.matchLabels must match the pod template labels');
  }
  for (const container of template?.spec?.containers ?? []) {
    const at = `${where} container ${container.name}`;
    if (container.readinessProbe?.httpGet?.path !== '/readyz') problem(at, 'readinessProbe must GET /readyz');
    if (container.livenessProbe?.httpGet?.path !== '/healthz') problem(at, 'livenessProbe must GET /healthz');
    if (!container.startupProbe) problem(at, 'startupProbe is required');
    if (!(container.ports ?? []).some((p) => p.containerPort === 3000)) problem(at, 'containerPort 3000 expected');
    const preStop = container.lifecycle?.preStop;
    const sleep = preStop?.sleep?.seconds ?? Number(/^(?:\/bin\/)?sleep$/.test(preStop?.exec?.command?.[0] ?? '') ? preStop.exec.command[1] : NaN);
    if (!Number.isFinite(sleep) || sleep <= 0) problem(at, 'lifecycle.preStop must sleep so endpoints drain before SIGTERM');
    const shutdownMs = Number(envValue(template.spec, container, 'SHUTDOWN_TIMEOUT_MS') ?? 10000);
    const grace = template.spec.terminationGracePeriodSeconds ?? 30;
    const needed = (Number.isFinite(sleep) ? sleep : 0) + shutdownMs / 1000;
    if (!(grace > needed)) {
      problem(where, `terminationGracePeriodSeconds ${grace} must exceed preStop ${sleep}s + SHUTDOWN_TIMEOUT_MS ${shutdownMs / 1000}s`);
    }
    if (envValue(template.spec, container, 'MIGRATE_ON_START') === 'true' && jobs.length > 0) {
      problem(at, 'MIGRATE_ON_START=true while a migration Job exists: migrate in one place');
    }
  }
}

for (const job of jobs) {
  checkPodSpec(job, job.spec?.template?.spec);
  const command = (job.spec?.template?.spec?.containers ?? []).flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])]);
  if (!command.some((part) => String(part).includes('migrate.js'))) problem(idOf(job), 'expected the migration command (migrate.js)');
}
if (jobs.length === 0) problem(file, 'no migration Job');

const services = byKind('Service');
if (services.length === 0) problem(file, 'no Service');
for (const service of services) {
  const selector = service.spec?.selector;
  if (!deployments.some((d) => matches(selector, d.spec?.template?.metadata?.labels))) {
    problem(idOf(service), 'selector matches no Deployment pod template');
  }
  for (const job of jobs) {
    if (matches(selector, job.spec?.template?.metadata?.labels)) problem(idOf(service), `selector also matches ${idOf(job)} pods`);
  }
}

const hpas = byKind('HorizontalPodAutoscaler');
if (hpas.length === 0) problem(file, 'no HorizontalPodAutoscaler');
for (const hpa of hpas) {
  if (hpa.apiVersion !== 'autoscaling/v2') problem(idOf(hpa), 'use autoscaling/v2');
  const target = hpa.spec?.scaleTargetRef ?? {};
  if (!named(target.kind, target.name)) problem(idOf(hpa), `scaleTargetRef ${target.kind}/${target.name} is not in the output`);
  if (!(hpa.spec?.metrics ?? []).some((m) => m.resource?.name === 'cpu')) problem(idOf(hpa), 'expected a CPU metric');
  if ((hpa.spec?.minReplicas ?? 1) < 2) problem(idOf(hpa), 'minReplicas must be at least 2 for a highly available service');
  const deployment = named(target.kind, target.name);
  if (deployment?.spec?.replicas !== undefined) {
    problem(idOf(deployment), 'spec.replicas set while an HPA scales it (each apply would reset the replica count)');
  }
}

const pdbs = byKind('PodDisruptionBudget');
if (pdbs.length === 0) problem(file, 'no PodDisruptionBudget');
for (const pdb of pdbs) {
  if (!deployments.some((d) => matches(pdb.spec?.selector?.matchLabels, d.spec?.template?.metadata?.labels))) {
    problem(idOf(pdb), 'selector matches no Deployment pod template');
  }
}

if (production) {
  for (const secret of byKind('Secret')) {
    const values = Object.values({ ...(secret.stringData ?? {}), ...(secret.data ?? {}) }).join(' ');
    if (/CHANGE-ME|PASSWORD@|REPLACE/i.test(values)) problem(idOf(secret), 'placeholder Secret in production output');
  }
}

// ---- report -----------------------------------------------------------------------------
const summary = objects.map(idOf).join(', ');
if (problems.length > 0) {
  console.error(`FAIL ${file} (${objects.length} objects)`);
  for (const line of problems) console.error(`  - ${line}`);
  process.exit(1);
}
console.log(`ok   ${objects.length} objects valid (schema, unknown fields, contract): ${summary}`);
