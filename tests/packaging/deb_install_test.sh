#!/usr/bin/env bash
# usage: deb_install_test.sh BUILD_DIR CPACK VERSION
set -euo pipefail
build=$1 cpack=$2 version=$3
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$build"
"$cpack" -G DEB -B "$scratch/out" >"$scratch/cpack.log" 2>&1 || { cat "$scratch/cpack.log"; exit 1; }
deb=$(ls "$scratch"/out/cisterna_*.deb)
echo "built $deb"
fields=$(dpkg-deb -f "$deb" Package Version Depends)
echo "$fields"
grep -q "^Version: $version" <<<"$fields"
grep -q "^Depends: .*libhdf5" <<<"$fields" || { echo "Depends does not declare HDF5"; exit 1; }
dpkg -x "$deb" "$scratch/root"
for f in usr/bin/cisterna usr/bin/cisterna-cli usr/share/applications/cisterna.desktop \
         usr/share/icons/hicolor/scalable/apps/cisterna.svg; do
  [ -e "$scratch/root/$f" ] || { echo "missing from the package: $f"; exit 1; }
done
[ -n "$(find "$scratch/root/usr" -path "*cisterna/plugins/libcisterna-mrc.so")" ] || { echo "MRC plugin missing"; exit 1; }
# Run from the unpacked tree, with nothing from the build folder on any path.
out=$(env -u CISTERNA_PLUGIN_PATH LD_LIBRARY_PATH= "$scratch/root/usr/bin/cisterna-cli" --version)
echo "$out"
grep -q "cisterna-cli $version" <<<"$out"
formats=$(env -u CISTERNA_PLUGIN_PATH "$scratch/root/usr/bin/cisterna-cli" formats)
grep -q "libcisterna-mrc.so" <<<"$formats" || { echo "$formats"; echo "MRC plugin not loaded"; exit 1; }
if grep -q FAILED <<<"$formats"; then echo "$formats"; exit 1; fi
echo "package OK"
