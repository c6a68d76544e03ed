#!/usr/bin/env bash
# Runs every libFuzzer harness of the fuzz preset for SECONDS each, one after the
# other, and exits non-zero when any of them finds something (see README).
#   tests/fuzz/run-all.sh SECONDS [HARNESS...]     e.g. run-all.sh 30, run-all.sh 600 zarr
# Build first: cmake --preset fuzz && cmake --build --preset fuzz
# Environment: CISTERNA_FUZZ_BUILD (default build-fuzz), CISTERNA_FUZZ_RSS_MB (2048).
set -uo pipefail
cd "$(dirname "$0")/../.."
secs=${1:?usage: $0 SECONDS [HARNESS...]}
shift
build=${CISTERNA_FUZZ_BUILD:-build-fuzz}
rss=${CISTERNA_FUZZ_RSS_MB:-2048}
if [ $# -gt 0 ]; then
  harnesses=("$@")
else
  harnesses=()
  for bin in "$build"/bin/fuzz_*; do harnesses+=("$(basename "$bin" | sed 's/^fuzz_//')"); done
fi
if [ ${#harnesses[@]} -eq 0 ]; then
  echo "no harnesses in $build/bin: cmake --preset fuzz && cmake --build --preset fuzz" >&2
  exit 2
fi

# Leaks are findings, except the third-party ones of tests/support/lsan.supp and, per
# harness, of tests/fuzz/lsan/<harness>.supp (see the README there).
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

out="$build/fuzz-out"
mkdir -p "$out"
status=0
total_start=$SECONDS
printf '%-12s %10s %8s  %s\n' harness executions findings log
for h in "${harnesses[@]}"; do
  bin="$build/bin/fuzz_$h"
  if [ ! -x "$bin" ]; then
    echo "no harness $bin" >&2
    status=1
    continue
  fi
  corpus="$build/corpus/$h"   # grows from run to run
  seeds="$build/seeds/$h"     # written afresh by the project's own writers
  artifacts="$out/$h"
  rm -rf "$seeds"
  supp="$out/$h.lsan.supp"
  cat tests/support/lsan.supp > "$supp"
  [ -f "tests/fuzz/lsan/$h.supp" ] && cat "tests/fuzz/lsan/$h.supp" >> "$supp"
  export LSAN_OPTIONS="suppressions=$(realpath "$supp")"
  mkdir -p "$corpus" "$artifacts"
  if ! CISTERNA_FUZZ_WRITE_SEEDS="$seeds" "$bin" >"$out/$h.seeds.log" 2>&1; then
    echo "$h: writing the seeds failed, see $out/$h.seeds.log" >&2
    status=1
    continue
  fi
  dirs=("$corpus" "$seeds")
  [ -d "tests/fuzz/regressions/$h" ] && dirs+=("tests/fuzz/regressions/$h")
  before=$(find "$artifacts" -type f | wc -l)
  # -malloc_limit_mb: one allocation above 512 MiB is a finding (the harnesses budget
  # 256 MiB, so a lying header must be refused before it allocates).
  "$bin" -max_total_time="$secs" -rss_limit_mb="$rss" -malloc_limit_mb=512 -timeout=30 \
    -print_final_stats=1 -close_fd_mask=1 -artifact_prefix="$artifacts/" "${dirs[@]}" \
    >"$out/$h.log" 2>&1
  rc=$?
  after=$(find "$artifacts" -type f | wc -l)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$h.log" | tail -1)
  findings=$((after - before))
  if [ $rc -ne 0 ] && [ $findings -eq 0 ]; then findings=1; fi
  printf '%-12s %10s %8s  %s\n' "$h" "${execs:-?}" "$findings" "$out/$h.log"
  if [ $rc -ne 0 ] || [ $findings -ne 0 ]; then
    status=1
    grep -m3 -E 'ERROR: |FINDING|runtime error|SUMMARY' "$out/$h.log" | sed 's/^/    /'
    find "$artifacts" -type f -newer "$out/$h.seeds.log" | sed 's/^/    input kept: /'
  fi
done
echo "total: $((SECONDS - total_start)) s"
exit $status
