#!/bin/sh
# run-benchmarks.sh — every benchmark of Windsock in a release build, with
# the peers it is compared with installed first
#
# Installs (apt, as root or through sudo) the AWS CLI, boto3, curl and the
# tools the side-by-side benchmark uses; builds _build-bench with
# --buildtype=release; runs `meson test --benchmark`; and leaves each
# benchmark's figures, and the machine they were measured on, in
# _build-bench/bench-results/ (the README's Performance tables come from
# there). Run it from the source tree: tests/bench/run-benchmarks.sh
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

cd "$(dirname "$0")/../.."
build=_build-bench
results="$build/bench-results"

# Debian 12's packages: the AWS CLI and boto3 measured are the ones a
# Debian user gets.
packages="awscli python3-boto3 curl openssl dbus util-linux iproute2 xvfb xauth"
if [ "$(id -u)" -eq 0 ]; then
    sudo=
else
    sudo=sudo
fi
$sudo apt-get install -y $packages

if [ -d "$build" ]; then
    meson setup --reconfigure "$build" --buildtype=release -Dman=false
else
    meson setup "$build" --buildtype=release -Dman=false
fi
meson compile -C "$build"

mkdir -p "$results"

# The machine the figures were measured on, printed and kept beside them.
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
cores=$(nproc)
kernel=$(uname -r)
debian=$(cat /etc/debian_version 2>/dev/null || echo unknown)
version_of() {
    dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo "not installed"
}
awscli=$(version_of awscli)
boto3=$(version_of python3-boto3)
libsoup=$(version_of libsoup-3.0-0)
glib=$(version_of libglib2.0-0)
echo "Machine: $cpu, $cores cores; Linux $kernel; Debian $debian"
echo "Packages: awscli $awscli, python3-boto3 $boto3, libsoup-3.0-0 $libsoup, libglib2.0-0 $glib"
python3 - "$results/machine.json" "$cpu" "$cores" "$kernel" "$debian" "$awscli" "$boto3" "$libsoup" "$glib" <<'PYTHON'
import json
import sys

path, cpu, cores, kernel, debian, awscli, boto3, libsoup, glib = sys.argv[1:]
with open(path, "w") as f:
    json.dump({"cpu": cpu, "cores": int(cores), "kernel": kernel, "debian": debian,
               "packages": {"awscli": awscli, "python3-boto3": boto3,
                            "libsoup-3.0-0": libsoup, "libglib2.0-0": glib}}, f, indent=2)
    f.write("\n")
PYTHON

WINDSOCK_BENCH_RESULTS_DIR="$(pwd)/$results" \
    meson test -C "$build" --benchmark --print-errorlogs --num-processes 1

echo "Results: $(pwd)/$results (the JSON files) and $build/meson-logs/testlog.txt (the full output)"
