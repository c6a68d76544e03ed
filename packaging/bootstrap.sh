#!/usr/bin/env bash
# Set-up for a fresh Debian 12 machine (see README):
#   packaging/bootstrap.sh run    install what is missing, build, open the app on the demo
#   packaging/bootstrap.sh test   install what is missing, build, run the whole test suite
# CISTERNA_LIBTORCH=<folder> builds the learning engine and its worker (cisterna-cli)
# against that LibTorch instead of Debian's CPU-only one: LibTorch's own archive, or
# the Python torch wheel's folder (python3 -c 'import torch, os; print(os.path.dirname(
# torch.__file__))'). Everything else stays Debian's.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
case "$mode" in run|test) ;; *) echo "usage: $0 run|test" >&2; exit 2 ;; esac

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

lists=(packaging/debian-packages.txt)
[ "$mode" = test ] && lists+=(packaging/debian-test-packages.txt)
mapfile -t wanted < <(cat "${lists[@]}" | grep -v '^#' | grep -v '^$')
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

jobs=$(nproc)
# Debian's LibTorch unless another is named; named explicitly either way, so that a
# build configured once with CISTERNA_LIBTORCH goes back when it is unset.
torch_dir=/usr/lib/x86_64-linux-gnu/cmake/Torch
if [ -n "${CISTERNA_LIBTORCH:-}" ]; then
  torch_dir="$CISTERNA_LIBTORCH/share/cmake/Torch"
  if [ ! -f "$torch_dir/TorchConfig.cmake" ]; then
    echo "CISTERNA_LIBTORCH=$CISTERNA_LIBTORCH holds no share/cmake/Torch/TorchConfig.cmake:" \
         "give LibTorch's folder or the torch wheel's" >&2
    exit 2
  fi
  echo "== learning engine against $CISTERNA_LIBTORCH"
fi
echo "== building (release preset, $jobs jobs)"
cmake --preset release -DTorch_DIR="$torch_dir"
cmake --build --preset release -j "$jobs"

if [ "$mode" = run ]; then
  if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "== no display: starting the app under xvfb-run (close it with Ctrl-C)"
    exec xvfb-run -a build/bin/cisterna
  fi
  exec build/bin/cisterna
fi

echo "== test suite (release)"
status=0
ctest --preset release || status=1
echo "== core tests under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake --preset asan
cmake --build --preset asan -j "$jobs"
ctest --preset asan || status=1
echo "== fuzzing every reader for 30 s each (fuzz preset, see tests/fuzz/README)"
cmake --preset fuzz
cmake --build --preset fuzz -j "$jobs"
tests/fuzz/run-all.sh 30 || status=1
exit $status
