#!/usr/bin/env bash
# Installs what is missing on Debian bookworm (apt-get), then builds cllnsim into build/.
# ngspice comes from bookworm-backports (46, with KLU and OSDI): the suite is added as a deb822
# sources file and pinned for the ngspice packages only; every other package stays bookworm's.
#   scripts/setup.sh              what building and running cllnsim needs
#   scripts/setup.sh --for-tests  also the test tools (what scripts/test.sh runs), and Slurm's
#                                 packages for tests/slurm_sweep_test.sh, which starts private
#                                 daemons of its own: their services are neither started nor
#                                 enabled by the installation
# Idempotent: a second run installs nothing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

run_packages=(build-essential cmake pkg-config
              libboost-program-options-dev nlohmann-json3-dev python3-matplotlib)
ngspice_packages=(ngspice libngspice0 libngspice0-dev)
ngspice_min_version=46
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

# Writes FILE with TEXT unless it already holds exactly that; says whether it wrote.
write_if_changed() {
  local file=$1 text=$2
  [[ -e $file && $(cat "$file") == "$text" ]] && return 1
  printf '%s\n' "$text" | $sudo tee "$file" >/dev/null
  echo "setup: wrote $file"
}

# The ngspice packages older than $ngspice_min_version or missing.
outdated_ngspice() {
  local package version
  for package in "${ngspice_packages[@]}"; do
    version=$(dpkg-query -W -f='${Version}' "$package" 2>/dev/null || true)
    if [[ -z $version ]] || ! dpkg --compare-versions "$version" ge "$ngspice_min_version"; then
      echo "$package"
    fi
  done
}

use_ngspice_from_backports() {
  if ! grep -rqsE '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    write_if_changed /etc/apt/sources.list.d/bookworm-backports.sources "\
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" && updated=false
  fi
  # 500 lifts only these packages to backports' version; backports' default for all else is 100.
  write_if_changed /etc/apt/preferences.d/cllnsim-ngspice "\
Package: ngspice libngspice0 libngspice0-dev ngspice-dev
Pin: release n=bookworm-backports
Pin-Priority: 500" || true
  mapfile -t outdated < <(outdated_ngspice)
  install "${outdated[@]}"
  mapfile -t outdated < <(outdated_ngspice)
  if ((${#outdated[@]})); then
    echo "setup: error: ${outdated[*]} still older than $ngspice_min_version after installing from" \
      "bookworm-backports (apt-cache policy ${outdated[0]} tells which versions apt sees)" >&2
    exit 1
  fi
}

mapfile -t missing < <(missing_of "${run_packages[@]}")
install "${missing[@]}"
use_ngspice_from_backports
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
