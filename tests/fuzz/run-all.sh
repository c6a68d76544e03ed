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
printf '%-12s %10s %8s %11s  %s\n' harness executions findings third-party log
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
  rm -rf "$seeds" "$out/$h.summary"
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
  if [ -d "tests/fuzz/regressions/$h" ]; then
    # An input that still crashes a library (named *.third-party) would end every run
    # at its start: the tests replay it, the fuzzer does not start from it.
    regress="$build/regressions/$h"
    rm -rf "$regress" && mkdir -p "$regress"
    find "tests/fuzz/regressions/$h" -maxdepth 1 -type f ! -name '*.third-party' \
      -exec cp {} "$regress/" \;
    dirs+=("$regress")
  fi
  # -malloc_limit_mb: one allocation above 512 MiB is a finding (the harnesses budget
  # 256 MiB, so a lying header must be refused before it allocates).
  execs=0 findings=0 thirdparty=0 start=$SECONDS run=0
  : >"$out/$h.log"
  while :; do
    left=$((secs - (SECONDS - start)))
    [ $run -gt 0 ] && [ $left -lt 3 ] && break
    run=$((run + 1))
    touch "$out/$h.mark"
    "$bin" -max_total_time="$left" -rss_limit_mb="$rss" -malloc_limit_mb=512 -timeout=30 \
      -print_final_stats=1 -close_fd_mask=1 -artifact_prefix="$artifacts/" "${dirs[@]}" \
      >"$out/$h.run.log" 2>&1
    rc=$?
    cat "$out/$h.run.log" >>"$out/$h.log"
    n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$h.run.log" | tail -1)
    execs=$((execs + ${n:-0}))
    [ $rc -eq 0 ] && break
    kept=$(find "$artifacts" -type f -newer "$out/$h.mark" ! -name '*.third-party' | head -1)
    # The innermost frame outside the harness binary (the sanitizer's runtime and
    # interceptors and libFuzzer, named by path or, symbolized, by namespace) and
    # outside libc (memcpy and friends, and abort's frames when the allocator finds
    # its heap corrupted by an uninstrumented library: symbolized, those name glibc's
    # source folders, not libc.so) and libstdc++ (std::string::reserve allocating what a
    # library asked for) decides whether the crash is a library's.
    frame=$(grep -E '^ +#[0-9]+ 0x' "$out/$h.run.log" | grep -v "/bin/fuzz_$h+" |
      grep -vE ' in (__asan|__sanitizer|__lsan|__ubsan|fuzzer)::' |
      grep -vE 'libc\.so|libstdc\+\+\.so|/sysdeps/| (nptl|stdlib|signal|csu)/' | head -1)
    if [ -z "${CISTERNA_FUZZ_STRICT:-}" ] && ! grep -q 'LeakSanitizer\|FINDING' "$out/$h.run.log" &&
       [ -n "$frame" ] && echo "$frame" | grep -qE -f <(grep -v '^#' tests/fuzz/third-party.txt); then
      thirdparty=$((thirdparty + 1))
      echo "    third-party crash, input kept: ${kept:-?}" >>"$out/$h.summary"
      echo "      $(grep -m1 -E 'ERROR: ' "$out/$h.run.log")" >>"$out/$h.summary"
      echo "      at $frame" >>"$out/$h.summary"
      [ -n "$kept" ] && mv "$kept" "$kept.third-party"
      continue
    fi
    findings=$((findings + 1))
    {
      grep -m3 -E 'ERROR: |FINDING|runtime error|SUMMARY' "$out/$h.run.log" | sed 's/^/    /'
      echo "    input kept: ${kept:-?}"
    } >>"$out/$h.summary"
    break
  done
  printf '%-12s %10s %8s %11s  %s\n' "$h" "$execs" "$findings" "$thirdparty" "$out/$h.log"
  [ -f "$out/$h.summary" ] && cat "$out/$h.summary" && rm -f "$out/$h.summary"
  [ $findings -ne 0 ] && status=1
done
echo "total: $((SECONDS - total_start)) s"
exit $status
