#!/usr/bin/env bash
# Coverage-guided fuzzing of Switchboard's parsers with afl++ and SharpFuzz (bench/Switchboard.Fuzz).
#
#   bench/fuzz.sh [minutes-per-target] [target...]      targets: wire envelope discovery template (default: all)
#
# Installs afl++ (apt-get) and the SharpFuzz instrumentation tool if they are missing, publishes the fuzz project,
# instruments Switchboard.dll and Switchboard.HomeAssistant.dll, runs afl-fuzz on each target for the given minutes
# (default 2) starting from bench/Switchboard.Fuzz/corpus/<target>/ (regressions included), then lists what it found
# and replays every crash and hang in-process so the exception and its stack trace are printed. A crash found here
# belongs, once fixed, under corpus/<target>/regressions/ so the unit tests keep replaying it.
#
# Environment:
#   FUZZ_WORK     work directory: tools, the instrumented and the replay build, afl's findings (default: <repo>/artifacts/fuzz)
#   FUZZ_TIMEOUT  afl's per-input timeout in ms; slower inputs are hangs (default: 5000)
# Exits 1 when any target produced a crash or a hang.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

MINUTES="${1:-2}"
shift || true
TARGETS=("$@")
if [ "${#TARGETS[@]}" -eq 0 ]; then
  TARGETS=(wire envelope discovery template)
fi
WORK="${FUZZ_WORK:-$ROOT/artifacts/fuzz}"
TIMEOUT_MS="${FUZZ_TIMEOUT:-5000}"
SHARPFUZZ_VERSION=2.3.0
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { echo "fuzz.sh: $*" >&2; }

if ! [[ "$MINUTES" =~ ^[0-9]+$ ]] || [ "$MINUTES" -eq 0 ]; then
  log "error: minutes-per-target must be a positive whole number, not '$MINUTES'"
  exit 2
fi

for target in "${TARGETS[@]}"; do
  if [ ! -d "bench/Switchboard.Fuzz/corpus/$target" ]; then
    log "error: unknown target '$target' (no bench/Switchboard.Fuzz/corpus/$target)"
    exit 2
  fi
done

ensure_afl() {
  if command -v afl-fuzz >/dev/null 2>&1; then
    return
  fi
  log "afl-fuzz not found; installing afl++ with apt-get"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      log "error: installing afl++ needs root (or sudo)"
      exit 1
    fi
  fi
  ${sudo[@]+"${sudo[@]}"} apt-get update
  ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y afl++
}

ensure_sharpfuzz() {
  if [ -x "$WORK/tools/sharpfuzz" ]; then
    return
  fi
  log "installing SharpFuzz.CommandLine $SHARPFUZZ_VERSION into $WORK/tools"
  dotnet tool install --tool-path "$WORK/tools" SharpFuzz.CommandLine --version "$SHARPFUZZ_VERSION"
}

ensure_afl
mkdir -p "$WORK"
ensure_sharpfuzz

# A fresh publish every run: instrumenting an already instrumented assembly fails, and an incremental publish would
# keep the instrumented copy.
rm -rf "$WORK/publish"
log "publishing bench/Switchboard.Fuzz"
dotnet publish bench/Switchboard.Fuzz/Switchboard.Fuzz.csproj -c Release -o "$WORK/publish" -nodeReuse:false
# Crashes are replayed with a copy that is not instrumented: outside afl the instrumentation has no shared memory to
# write its coverage to and fails with an AccessViolationException (or a NullReferenceException) of its own.
rm -rf "$WORK/replay"
cp -r "$WORK/publish" "$WORK/replay"
for assembly in Switchboard.dll Switchboard.HomeAssistant.dll; do
  log "instrumenting $assembly"
  "$WORK/tools/sharpfuzz" "$WORK/publish/$assembly"
done

# afl wants a CPU governor, a core_pattern and an instrumented binary that this box and `dotnet` do not give it; the
# fork server is SharpFuzz's, which starts slowly (the runtime boots first), and the two cores are shared.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1
export AFL_FORKSRV_INIT_TMOUT=60000 AFL_NO_UI=1

status=0
summary=()
for target in "${TARGETS[@]}"; do
  seeds="$WORK/seeds/$target"
  out="$WORK/findings/$target"
  rm -rf "$seeds" "$out"
  mkdir -p "$seeds" "$WORK/findings"
  # Flattened: the regressions are seeds too, and afl reads one directory level.
  find "bench/Switchboard.Fuzz/corpus/$target" -type f -print0 | while IFS= read -r -d '' file; do
    rel="${file#bench/Switchboard.Fuzz/corpus/$target/}"
    cp "$file" "$seeds/${rel//\//_}"
  done
  log "fuzzing $target for $MINUTES minute(s)"
  afl-fuzz -i "$seeds" -o "$out" -t "$TIMEOUT_MS" -m none -V "$((MINUTES * 60))" \
    -- "$(command -v dotnet)" "$WORK/publish/Switchboard.Fuzz.dll" "$target" >"$WORK/$target.log" 2>&1 || {
    log "afl-fuzz for $target exited with an error; the end of $WORK/$target.log:"
    tail -n 30 "$WORK/$target.log" >&2
    status=1
    continue
  }
  stats="$out/default/fuzzer_stats"
  stat() { sed -n "s/^$1 *: *//p" "$stats"; }
  crashes=$(find "$out/default/crashes" -type f ! -name README.txt 2>/dev/null | wc -l)
  hangs=$(find "$out/default/hangs" -type f 2>/dev/null | wc -l)
  summary+=("$target: $(stat execs_done) execs in $(stat run_time)s ($(stat execs_per_sec)/s), $(stat corpus_count) paths, edges $(stat edges_found)/$(stat total_edges), $crashes crash(es), $hangs hang(s)")
  if [ "$crashes" -gt 0 ]; then
    status=1
    log "$target: replaying $crashes crash(es)"
    dotnet "$WORK/replay/Switchboard.Fuzz.dll" --replay "$target" "$out/default/crashes" || true
  fi
  if [ "$hangs" -gt 0 ]; then
    status=1
    log "$target: $hangs hang(s) in $out/default/hangs; replaying each for at most 30 s"
    for hang in "$out/default/hangs"/*; do
      dir="$(mktemp -d)"
      cp "$hang" "$dir/"
      timeout 30 dotnet "$WORK/replay/Switchboard.Fuzz.dll" --replay "$target" "$dir" || log "$(basename "$hang"): still running after 30 s, or failed"
      rm -rf "$dir"
    done
  fi
done

log "summary ($MINUTES minute(s) per target; findings in $WORK/findings):"
for line in "${summary[@]}"; do
  echo "  $line"
done
exit "$status"
