#!/usr/bin/env bash
# Installs what is missing on Debian bookworm (apt-get), then builds cllnsim into build/.
# Idempotent: a second run installs nothing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config ngspice libngspice0-dev libboost-program-options-dev
          nlohmann-json3-dev libgtest-dev libgmock-dev clang-format python3-matplotlib
          clang libclang-rt-14-dev  # clang and its libFuzzer runtime: scripts/fuzz.sh
          munge slurmctld slurmd slurm-client)  # a one-node Slurm: tests/slurm_sweep_test.sh
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"
