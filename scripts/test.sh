#!/usr/bin/env bash
# The one test command. Installs what the tests need when it is missing (with apt-get: Mosquitto and its clients,
# Debian's python3-paho-mqtt and python3-asyncio-mqtt for /usr/bin/python3, Node.js and npm, Chromium, clang and
# zlib1g-dev (Native AOT), tmux; with npm ci: MQTT.js in bench/node-peer), builds Switchboard.slnx (Release), runs
# every test project under tests/ with a TRX logger and a hang timeout, and ends with one line: "N passed, N failed[,
# N skipped]".
# Exits non-zero if the build fails, any test fails, or any test run errors (crash, hang, no results).
#
# Environment:
#   ARTIFACTS      where TRX files and broker temp dirs go (default: <repo>/artifacts/test-results)
#   TEST_FILTER    optional `dotnet test --filter` expression
#   HANG_TIMEOUT   blame hang timeout per test run (default: 5m)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CONFIGURATION=Release
ARTIFACTS="${ARTIFACTS:-$ROOT/artifacts/test-results}"
HANG_TIMEOUT="${HANG_TIMEOUT:-5m}"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Debian and Ubuntu install mosquitto into /usr/sbin, which is not on every PATH.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

log() { echo "test.sh: $*" >&2; }

# Debian's interpreter: the python3-* packages install there (a pyenv or virtualenv python3 on PATH lacks them).
DEBIAN_PYTHON=/usr/bin/python3

python_has() {
  [ -x "$DEBIAN_PYTHON" ] && "$DEBIAN_PYTHON" -c "import $1" >/dev/null 2>&1
}

# Installs, with one apt-get update and one apt-get install, the packages of whatever is missing: Mosquitto and
# mosquitto_pub/sub (the integration and interop tests), RabbitMQ (the two-node cluster of the failover tests; the tests
# start their own nodes, so the package's system service is kept from starting: a policy-rc.d that refuses for the
# time of the install, then the service disabled where systemd runs), paho-mqtt and asyncio-mqtt for Debian's python3 and Node.js
# (the interop probes in tests/Switchboard.Cli.Tests/Interop), Chromium (the dashboard's browser tests, driven by
# Playwright for .NET, which never downloads a browser of its own), clang and zlib1g-dev (the CLI's Native AOT publish in
# NativeAotTests) and tmux (the --watch views in a terminal). Does nothing when everything is there.
ensure_apt_packages() {
  local missing=()
  if ! command -v mosquitto >/dev/null 2>&1 || ! command -v mosquitto_sub >/dev/null 2>&1 || ! command -v mosquitto_pub >/dev/null 2>&1; then
    missing+=(mosquitto mosquitto-clients)
  fi
  python_has paho.mqtt.client || missing+=(python3-paho-mqtt)
  python_has asyncio_mqtt || missing+=(python3-asyncio-mqtt)
  if ! command -v node >/dev/null 2>&1; then
    missing+=(nodejs)
    command -v npm >/dev/null 2>&1 || missing+=(npm)
  elif ! command -v npm >/dev/null 2>&1; then
    missing+=(npm)
  fi
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  # The Native AOT publish of the CLI (NativeAotTests): clang as the linker driver, zlib's headers and static library.
  command -v clang >/dev/null 2>&1 || missing+=(clang)
  dpkg -s zlib1g-dev >/dev/null 2>&1 || missing+=(zlib1g-dev)
  # The --watch views in a real terminal (WatchTerminalTests).
  command -v tmux >/dev/null 2>&1 || missing+=(tmux)
  if [ "${#missing[@]}" -eq 0 ]; then
    return
  fi
  log "missing: ${missing[*]}; installing with apt-get"
  if ! command -v apt-get >/dev/null 2>&1; then
    log "error: apt-get is not available; install ${missing[*]} yourself"
    exit 1
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      log "error: installing ${missing[*]} needs root (or sudo)"
      exit 1
    fi
  fi
  local policy=/usr/sbin/policy-rc.d own_policy=""
  if [ ! -e "$policy" ]; then
    # "101: action not allowed": invoke-rc.d and deb-systemd-invoke start no service during the install.
    printf '#!/bin/sh\nexit 101\n' | ${sudo[@]+"${sudo[@]}"} tee "$policy" >/dev/null
    ${sudo[@]+"${sudo[@]}"} chmod 755 "$policy"
    own_policy=1
  fi
  local rc=0
  ${sudo[@]+"${sudo[@]}"} apt-get update || rc=$?
  if [ "$rc" -eq 0 ]; then
    ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" || rc=$?
  fi
  if [ -n "$own_policy" ]; then
    ${sudo[@]+"${sudo[@]}"} rm -f "$policy"
  fi
  if [ "$rc" -ne 0 ]; then
    log "error: apt-get failed with exit code $rc"
    exit "$rc"
  fi
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    ${sudo[@]+"${sudo[@]}"} systemctl disable --now rabbitmq-server >/dev/null 2>&1 || true
  fi
  local tool module
  for tool in mosquitto mosquitto_sub mosquitto_pub node npm clang tmux; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      log "error: $tool is still not on PATH after installing ${missing[*]}"
      exit 1
    fi
  done
  if [ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
    log "error: /usr/lib/rabbitmq/bin/rabbitmq-server is still missing after installing ${missing[*]}"
    exit 1
  fi
  if [ ! -x /usr/bin/chromium ]; then
    log "error: /usr/bin/chromium is still missing after installing ${missing[*]}"
    exit 1
  fi
  for module in paho.mqtt.client asyncio_mqtt; do
    if ! python_has "$module"; then
      log "error: $DEBIAN_PYTHON still cannot import $module after installing ${missing[*]}"
      exit 1
    fi
  done
}

# MQTT.js for the interop probe (and the benchmark's node peer), from bench/node-peer's lock file.
ensure_node_peer() {
  local dir="$ROOT/bench/node-peer"
  if [ -f "$dir/node_modules/mqtt/package.json" ]; then
    return
  fi
  log "installing MQTT.js in bench/node-peer (npm ci)"
  (cd "$dir" && npm ci --no-audit --no-fund)
  if [ ! -f "$dir/node_modules/mqtt/package.json" ]; then
    log "error: npm ci in bench/node-peer did not install mqtt"
    exit 1
  fi
}

# Kills brokers a crashed or hung test host left behind: only pids recorded by this run's brokers, and only if the
# process is still a mosquitto started with a config from this run's temp directory, a RabbitMQ node (beam.smp) whose
# command line names this run's temp directory, or the private epmd of one of this run's RabbitMQ clusters.
reap_orphan_brokers() {
  local tmp="$1" pidfile pid
  [ -d "$tmp" ] || return 0
  while IFS= read -r -d '' pidfile; do
    pid="$(cat "$pidfile" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || continue
    if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "mosquitto -c $tmp/"; then
      log "killing orphaned mosquitto pid $pid"
      kill -9 "$pid" 2>/dev/null || true
    fi
  done < <(find "$tmp" -name mosquitto.pid -print0 2>/dev/null)
  while IFS= read -r -d '' pidfile; do
    pid="$(cat "$pidfile" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || continue
    if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$tmp/"; then
      log "killing orphaned RabbitMQ node pid $pid"
      kill -9 "$pid" 2>/dev/null || true
    fi
  done < <(find "$tmp" -name rabbitmq.pid -print0 2>/dev/null)
  while IFS= read -r -d '' pidfile; do
    pid="$(cat "$pidfile" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || continue
    if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "epmd -port"; then
      log "killing orphaned epmd pid $pid"
      kill -9 "$pid" 2>/dev/null || true
    fi
  done < <(find "$tmp" -name epmd.pid -print0 2>/dev/null)
  rm -rf "$tmp"
}

# Counts the test results of a TRX file whose outcome is one of the given values (a grep alternation).
outcomes() {
  local file="$1" pattern="$2"
  { grep -o '<UnitTestResult [^>]*>' "$file" || true; } | { grep -c " outcome=\"\($pattern\)\"" || true; }
}

ensure_apt_packages
ensure_node_peer
log "using $(command -v mosquitto) ($(mosquitto -h 2>/dev/null | head -n1 || true))"
log "using RabbitMQ $(dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null || echo '?') (/usr/lib/rabbitmq/bin/rabbitmq-server)"
log "using $DEBIAN_PYTHON with paho-mqtt $("$DEBIAN_PYTHON" -c 'import paho.mqtt; print(paho.mqtt.__version__)') and asyncio-mqtt $("$DEBIAN_PYTHON" -c 'import asyncio_mqtt; print(asyncio_mqtt.__version__)' 2>/dev/null)"
log "using node $(node --version) with MQTT.js $(node -p 'require("./bench/node-peer/node_modules/mqtt/package.json").version')"

case "$ARTIFACTS" in
  "" | "/" | "$ROOT" | "$HOME") log "error: refusing to use ARTIFACTS='$ARTIFACTS' (it is emptied first)"; exit 1 ;;
esac
rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"
export SWITCHBOARD_TEST_TMP="$ARTIFACTS/tmp"
mkdir -p "$SWITCHBOARD_TEST_TMP"
trap 'reap_orphan_brokers "$SWITCHBOARD_TEST_TMP"' EXIT

log "building Switchboard.slnx ($CONFIGURATION)"
dotnet build Switchboard.slnx -c "$CONFIGURATION" -nodeReuse:false

shopt -s nullglob globstar
projects=(tests/**/*Tests.csproj)
shopt -u globstar
if [ "${#projects[@]}" -eq 0 ]; then
  log "error: no test projects found under tests/"
  echo "0 passed, 0 failed"
  exit 1
fi

# A test project not (yet) listed in the solution still gets built and run.
for project in "${projects[@]}"; do
  if ! grep -qF "Path=\"$project\"" Switchboard.slnx; then
    log "warning: $project is not in Switchboard.slnx; building it separately"
    dotnet build "$project" -c "$CONFIGURATION" -nodeReuse:false
  fi
done

run_errors=0
filter_args=()
if [ -n "${TEST_FILTER:-}" ]; then
  filter_args=(--filter "$TEST_FILTER")
fi

for project in "${projects[@]}"; do
  name="$(basename "$project" .csproj)"
  log "testing $name"
  rc=0
  dotnet test "$project" --no-build -c "$CONFIGURATION" \
    --logger "trx;LogFileName=$name.trx" \
    --results-directory "$ARTIFACTS" \
    --blame-hang-timeout "$HANG_TIMEOUT" --blame-hang-dump-type none \
    ${filter_args[@]+"${filter_args[@]}"} 2>&1 | tee "$ARTIFACTS/$name.log" || rc=$?
  trx="$ARTIFACTS/$name.trx"
  if [ ! -s "$trx" ]; then
    log "error: $name produced no test results ($trx), exit code $rc"
    run_errors=$((run_errors + 1))
  elif grep -qi 'test run aborted\|test host process crashed' "$ARTIFACTS/$name.log"; then
    log "error: the $name test run was aborted (crash or hang; see $ARTIFACTS/$name.log), exit code $rc"
    run_errors=$((run_errors + 1))
  elif [ "$rc" -ne 0 ] && [ "$(outcomes "$trx" 'Failed\|Error\|Timeout\|Aborted')" -eq 0 ]; then
    log "error: dotnet test for $name exited with code $rc without a failed test"
    run_errors=$((run_errors + 1))
  fi
done

# A test run that crashed, hung or produced no results counts as one failed test in the summary.
passed=0 failed=$run_errors skipped=0
for trx in "$ARTIFACTS"/*.trx; do
  passed=$((passed + $(outcomes "$trx" 'Passed')))
  failed=$((failed + $(outcomes "$trx" 'Failed\|Error\|Timeout\|Aborted')))
  skipped=$((skipped + $(outcomes "$trx" 'NotExecuted\|Inconclusive\|NotRunnable')))
done

log "results: $ARTIFACTS"
if [ "$run_errors" -gt 0 ]; then
  log "error: $run_errors test run(s) errored"
fi
summary="$passed passed, $failed failed"
if [ "$skipped" -gt 0 ]; then
  summary="$summary, $skipped skipped"
fi
echo "$summary"

if [ "$failed" -gt 0 ] || [ "$run_errors" -gt 0 ]; then
  exit 1
fi
