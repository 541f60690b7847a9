// Environment variables the service reads (src/bootstrap/config.ts and the OTEL_* standard),
// plus the few the platform adds. validate.sh rejects any other name in compose.yaml and in
// the Kubernetes ConfigMap/Secret, so a typo such as DATABSE_URL cannot ship silently.
export const SERVICE_ENV = new Set([
  'NODE_ENV', 'HOST', 'PORT',
  'DATABASE_URL', 'DATABASE_POOL_MAX', 'REDIS_URL',
  'JWT_SECRET', 'TOKEN_TTL_SECONDS',
  'HOLD_TTL_SECONDS', 'MAX_SEATS_PER_RESERVATION', 'MAX_SEATS_PER_MEMBER', 'HOLD_SWEEP_INTERVAL_MS',
  'ADMIN_EMAIL', 'ADMIN_PASSWORD',
  'LOG_LEVEL', 'MIGRATE_ON_START', 'CACHE_ENABLED', 'SEAT_MAP_CACHE_MS', 'RATE_LIMIT_ENABLED',
  'BODY_LIMIT_BYTES', 'REQUEST_TIMEOUT_MS', 'CORS_ORIGINS', 'SHUTDOWN_TIMEOUT_MS', 'DEMO_DATA',
  // OpenTelemetry SDK (standard names).
  'OTEL_SERVICE_NAME', 'OTEL_TRACES_EXPORTER', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_TRACES_SAMPLER',
  'OTEL_TRACES_SAMPLER_ARG', 'OTEL_RESOURCE_ATTRIBUTES', 'OTEL_LOG_LEVEL',
  // Node.js runtime and the Kubernetes manifests' own helpers.
  'NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS', 'DEPLOYMENT_ENVIRONMENT', 'K8S_POD_NAME', 'K8S_NAMESPACE',
]);
