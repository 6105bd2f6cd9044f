#!/usr/bin/env bash
# Installs what is missing on Debian bookworm (apt-get), then builds cllnsim into build/.
#   scripts/setup.sh              what building and running cllnsim needs
#   scripts/setup.sh --for-tests  also the test tools (what scripts/test.sh runs), and Slurm's
#                                 packages for tests/slurm_sweep_test.sh, which starts private
#                                 daemons of its own: their services are neither started nor
#                                 enabled by the installation
# Idempotent: a second run installs nothing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

run_packages=(build-essential cmake pkg-config ngspice libngspice0-dev
              libboost-program-options-dev nlohmann-json3-dev python3-matplotlib)
test_packages=(libgtest-dev libgmock-dev clang-format
               clang libclang-rt-14-dev)  # clang and its libFuzzer runtime: scripts/fuzz.sh
slurm_packages=(munge slurmctld slurmd slurm-client)

for_tests=false
case "${1:-}" in
  "") ;;
  --for-tests) for_tests=true ;;
  *) echo "usage: scripts/setup.sh [--for-tests]" >&2; exit 2 ;;
esac

sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
updated=false

# The packages among "$@" that are not installed.
missing_of() {
  local package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
      echo "$package"
  done
}

install() {
  ((${#@})) || return 0
  echo "setup: installing $*"
  $updated || $sudo apt-get update
  updated=true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "$@"
}

mapfile -t missing < <(missing_of "${run_packages[@]}")
install "${missing[@]}"
if $for_tests; then
  mapfile -t missing < <(missing_of "${test_packages[@]}")
  install "${missing[@]}"
  mapfile -t missing_slurm < <(missing_of "${slurm_packages[@]}")
  if ((${#missing_slurm[@]})); then
    # invoke-rc.d asks policy-rc.d; 101 = do not start. A machine's own policy is left alone.
    policy=/usr/sbin/policy-rc.d
    if [[ ! -e $policy ]]; then
      printf '#!/bin/sh\n# scripts/setup.sh: no service starts while Slurm is installed\nexit 101\n' |
        $sudo tee "$policy" >/dev/null
      $sudo chmod 755 "$policy"
      trap '$sudo rm -f "$policy"' EXIT
    fi
    install "${missing_slurm[@]}"
    # Only the services of the packages installed now: a munge the machine had stays as it was.
    for package in "${missing_slurm[@]}"; do
      [[ -e /lib/systemd/system/$package.service ]] || continue
      $sudo systemctl disable "$package.service" >/dev/null 2>&1 ||
        echo "setup: note: could not disable $package.service (systemctl disable failed)"
    done
  fi
fi

# Without --for-tests the tests are built if GoogleTest is there (CMake's CLLNSIM_TESTS).
tests=()
$for_tests && tests=(-DCLLNSIM_TESTS=ON)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "${tests[@]}"
cmake --build build -j"$(nproc)"
