#!/usr/bin/env bash
# The compose topology without Docker: N instances of the service on MySQL + Redis behind
# an nginx on loopback. Runs in the foreground; Ctrl-C or SIGTERM stops everything it
# started (nginx first, then the instances drain).
#
#   npm run cluster:local                       # 3 instances, http://127.0.0.1:8080
#   CLUSTER_INSTANCES=5 npm run cluster:local
#
# Settings (environment): CLUSTER_INSTANCES (3), CLUSTER_BASE_PORT (3101: instances listen
# on 3101..3100+N), CLUSTER_NGINX_PORT (8080), CLUSTER_SKIP_BUILD=1 (use dist/ as it is),
# CLUSTER_KEEP_LOGS=1 (keep the temp dir with the logs). Every variable the service reads
# (DATABASE_URL, REDIS_URL, JWT_SECRET, HOLD_TTL_SECONDS, ...) is passed to all instances.
set -euo pipefail

instances="${CLUSTER_INSTANCES:-3}"
base_port="${CLUSTER_BASE_PORT:-3101}"
nginx_port="${CLUSTER_NGINX_PORT:-8080}"
export DATABASE_URL="${DATABASE_URL:-mysql://root@127.0.0.1:3306/ticketing}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
# An admin, so a person can create performances at once. Only a default for this local tool.
if [[ -z "${ADMIN_EMAIL:-}" && -z "${ADMIN_PASSWORD:-}" ]]; then
  export ADMIN_EMAIL=admin@cluster.local ADMIN_PASSWORD=local-cluster-admin
fi
# nginx is one proxy hop: the client address is the last X-Forwarded-For entry it adds.
export TRUST_PROXY="${TRUST_PROXY:-1}"
shutdown_timeout_ms="${SHUTDOWN_TIMEOUT_MS:-10000}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

die() {
  echo "local-cluster: $*" >&2
  exit 1
}

if ! [[ "$instances" =~ ^[0-9]+$ ]] || ((instances < 1 || instances > 32)); then die "CLUSTER_INSTANCES must be 1..32"; fi
[[ "$base_port" =~ ^[0-9]+$ && "$nginx_port" =~ ^[0-9]+$ ]] || die "ports must be numbers"
((base_port + instances <= 65535)) || die "CLUSTER_BASE_PORT is too high"
command -v nginx >/dev/null || die "nginx is not installed (Debian: apt-get install -y nginx; this script never starts the system service)"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ports=()
for ((i = 1; i <= instances; i++)); do ports+=($((base_port + i - 1))); done
for port in "${ports[@]}" "$nginx_port"; do
  if port_in_use "$port"; then die "127.0.0.1:$port is already in use"; fi
done

workdir="$(mktemp -d "${TMPDIR:-/tmp}/ticketing-cluster.XXXXXX")"
# nginx workers drop root privileges; they must be able to reach their temp directories.
chmod 755 "$workdir"
app_pids=() # the instances still running; `wait` removes the ones that exit
nginx_pid=""
stop_requested=0

# Stops what is still running: nginx first (no new requests), then SIGTERM to the instances,
# which drain within SHUTDOWN_TIMEOUT_MS; whatever outlives that (+5 s) is killed.
# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  ((stop_requested)) && status=0
  echo "local-cluster: stopping" >&2
  if [[ -n "$nginx_pid" ]] && kill -0 "$nginx_pid" 2>/dev/null; then
    kill -TERM "$nginx_pid" 2>/dev/null || true
  fi
  local pid all_pids=("${app_pids[@]}")
  [[ -n "$nginx_pid" ]] && all_pids+=("$nginx_pid")
  for pid in "${app_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  local deadline=$((SECONDS + shutdown_timeout_ms / 1000 + 5)) alive
  while ((SECONDS < deadline)); do
    alive=0
    for pid in "${all_pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "${all_pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      echo "local-cluster: $pid did not stop in time; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  wait 2>/dev/null || true
  if ((status == 0)) && [[ "${CLUSTER_KEEP_LOGS:-0}" != 1 ]]; then
    rm -rf "$workdir"
  else
    echo "local-cluster: logs kept in $workdir" >&2
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'stop_requested=1; exit' INT TERM

# Polls http://127.0.0.1:PORT/readyz for each port until all answer 200; gives up after
# $1 seconds or as soon as one of the given pids has exited.
wait_ready() {
  local seconds=$1 pids=$2
  shift 2
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const [seconds, pids, ...ports] = process.argv.slice(1);
    const deadline = Date.now() + Number(seconds) * 1000;
    const alive = (pid) => { try { process.kill(Number(pid), 0); return true; } catch { return false; } };
    const ready = (port) => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
    (async () => {
      let waiting = ports;
      while (waiting.length > 0) {
        if (Date.now() > deadline) throw new Error(`not ready in ${seconds} s: ${waiting.join(", ")}`);
        const dead = pids.split(",").filter((pid) => pid && !alive(pid));
        if (dead.length > 0) throw new Error(`process ${dead.join(", ")} exited during start-up`);
        const answers = await Promise.all(waiting.map(ready));
        waiting = waiting.filter((_, i) => !answers[i]);
        if (waiting.length > 0) await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })().catch((error) => { console.error(`local-cluster: ${error.message}`); process.exit(1); });
  ' "$seconds" "$pids" "$@"
}

if [[ "${CLUSTER_SKIP_BUILD:-0}" != 1 ]]; then
  echo "local-cluster: building" >&2
  npm run --silent build
fi

# Migrations once, before any instance starts, as the compose `migrate` service does.
node dist/bootstrap/migrate.js latest >"$workdir/migrate.log" 2>&1 ||
  die "migrations failed: $(cat "$workdir/migrate.log")"

for i in "${!ports[@]}"; do
  PORT="${ports[$i]}" HOST=127.0.0.1 MIGRATE_ON_START=false \
    node dist/bootstrap/main.js >"$workdir/app-$((i + 1)).log" 2>&1 &
  app_pids+=($!)
done
wait_ready 60 "$(IFS=,; echo "${app_pids[*]}")" "${ports[@]}" ||
  die "instances did not become ready; see $workdir/app-*.log"

upstreams=""
for port in "${ports[@]}"; do
  upstreams+="        server 127.0.0.1:$port max_fails=1 fail_timeout=5s;"$'\n'
done
config="$(<scripts/local-cluster.nginx.conf)"
config="${config//@LISTEN@/127.0.0.1:$nginx_port}"
config="${config//@UPSTREAM_SERVERS@/${upstreams%$'\n'}}"
printf '%s\n' "$config" >"$workdir/nginx.conf"
nginx -q -t -p "$workdir" -c "$workdir/nginx.conf" -e stderr -g 'daemon off;' ||
  die "generated nginx configuration is invalid: $workdir/nginx.conf"
nginx -p "$workdir" -c "$workdir/nginx.conf" -e stderr -g 'daemon off;' 2>"$workdir/nginx.log" &
nginx_pid=$!
wait_ready 10 "$nginx_pid" "$nginx_port" || die "nginx did not come up; see $workdir/nginx.log"

cat <<EOF
Ticketing cluster: http://127.0.0.1:$nginx_port  (API docs: http://127.0.0.1:$nginx_port/docs)
  instances: $(printf '127.0.0.1:%s ' "${ports[@]}")
  stores:    $DATABASE_URL, $REDIS_URL
  admin:     $ADMIN_EMAIL
  logs:      $workdir/app-*.log, $workdir/nginx.log
Ctrl-C stops everything.
EOF

# An instance that dies is reported and nginx routes around it (try `kill -9` on one);
# the cluster stops when nginx or the last instance exits. A signal interrupts the wait.
while true; do
  exited=""
  code=0
  wait -n -p exited "${app_pids[@]}" "$nginx_pid" || code=$?
  [[ -n "$exited" ]] || continue
  [[ "$exited" != "$nginx_pid" ]] || die "nginx exited with status $code; see $workdir/nginx.log"
  live=()
  for pid in "${app_pids[@]}"; do [[ "$pid" == "$exited" ]] || live+=("$pid"); done
  app_pids=("${live[@]}")
  echo "local-cluster: instance pid $exited exited with status $code; ${#app_pids[@]} left behind nginx" >&2
  ((${#app_pids[@]} > 0)) || die "every instance has exited; see $workdir/app-*.log"
done
