#!/usr/bin/env bash
# run-fuzzers.sh SECONDS [TARGET…] — builds the libFuzzer targets with clang,
# AddressSanitizer and UBSan, and runs each for SECONDS (all of them when no
# TARGET is named), one after the other.
#
# Each target starts from its seed corpus (tests/fuzz/corpus/TARGET) and
# grows a copy of it in the build dir, never the one in git. A crash, a
# sanitizer report, a timeout or an out-of-memory fails the run; its input
# is left in _build-fuzz/artifacts/TARGET/ — add it to the corpus once the
# parser is fixed, so that `meson test` replays it from then on.
#
# Needs (Debian 12): clang (clang-14) and libclang-rt-14-dev, which ships
# libclang_rt.fuzzer.
set -uo pipefail
cd "$(dirname "$0")/../.."

if [ $# -lt 1 ] || ! [[ $1 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 SECONDS [TARGET…]" >&2
  exit 2
fi
seconds=$1
shift

build=${FUZZ_BUILD_DIR:-_build-fuzz}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for dir in tests/fuzz/corpus/*/; do
    targets+=("$(basename "$dir")")
  done
fi

if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" -Dfuzzing=true -Dman=false \
    -Db_sanitize=address,undefined -Db_lundef=false >/dev/null || exit 1
fi
ninja -C "$build" "${targets[@]/#/tests/fuzz/}" >/dev/null || exit 1

# Leaks are not looked for: LeakSanitizer trips over the TLS of GIO's
# modules (see .ci/run); valgrind covers them on the corpus.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export G_DEBUG=fatal-criticals GIO_USE_VFS=local

status=0
for target in "${targets[@]}"; do
  corpus=$build/corpus/$target
  artifacts=$build/artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  log=$build/$target.log
  "$build/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$corpus" "tests/fuzz/corpus/$target" >"$log" 2>&1
  result=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  if [ $result -eq 0 ]; then
    echo "$target: ${runs:-?} runs, ${rate:-?} execs/s, $(ls "$corpus" | wc -l) inputs in corpus"
  else
    echo "$target: FAILED (exit $result) — see $log and $artifacts/" >&2
    grep -m5 -E 'ERROR|runtime error|Bail out|Assertion|CRITICAL' "$log" >&2
    status=1
  fi
done
exit $status
