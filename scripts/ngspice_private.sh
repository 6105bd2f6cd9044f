#!/usr/bin/env bash
# One of the Debian ngspice versions cllnsim supports in a private folder, WITHOUT touching the
# system: no apt sources, pins or packages are added to the machine. Then builds cllnsim against
# it into a separate build folder. scripts/setup.sh installs 46 (bookworm-backports) system-wide;
# this keeps bookworm's own 39.3 checkable next to it (or 46 on a machine that has 39.3).
#
#   scripts/ngspice_private.sh VERSION [ROOT [BUILD]]
#     VERSION  39.3 (bookworm) or 46 (bookworm-backports)
#     ROOT     where apt's private state and the extracted packages go
#              (default ${XDG_CACHE_HOME:-~/.cache}/cllnsim/ngspice-VERSION)
#     BUILD    the build folder (default build-ngspice-VERSION)
#
# Afterwards:
#   ROOT/env.sh            source it to run ROOT's ngspice / cllnsim against VERSION:
#                          . ROOT/env.sh && ngspice -b x.cir && BUILD/cllnsim --version
#   ctest --test-dir BUILD ...  (the binaries carry an RPATH to ROOT's libngspice; the tests also
#                          need ROOT/env.sh's SPICE_LIB_DIR, or the private libngspice reads the
#                          system's spinit, which loads the system's code models)
# Idempotent: a second run downloads and extracts nothing new; the build only rebuilds.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  39.3) version="39.3+ds-1" ;;
  46) version="46+ds-1~bpo12+1" ;;
  *) echo "usage: scripts/ngspice_private.sh 39.3|46 [ROOT [BUILD]]" >&2; exit 2 ;;
esac
short=$1
root=${2:-${XDG_CACHE_HOME:-$HOME/.cache}/cllnsim/ngspice-$short}
build=${3:-build-ngspice-$short}
packages=(libngspice0 libngspice0-dev ngspice)

apt_dir=$root/apt
sys=$root/root
mkdir -p "$apt_dir"/{lists/partial,cache/archives/partial,etc/sources.list.d,etc/preferences.d,debs} "$sys"

# A private apt: its own sources list (bookworm and bookworm-backports; the archive keyring of the
# machine), its own package lists and cache. apt-get update/download write only under $apt_dir.
cat >"$apt_dir/etc/sources.list" <<'EOF'
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main
EOF
apt_options=(
  -o "Dir::Etc::SourceList=$apt_dir/etc/sources.list"
  -o "Dir::Etc::SourceParts=$apt_dir/etc/sources.list.d"
  -o "Dir::Etc::PreferencesParts=$apt_dir/etc/preferences.d"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache=$apt_dir/cache"
  -o "Debug::NoLocking=1"
)
[ "$(id -u)" -eq 0 ] && apt_options+=(-o "APT::Sandbox::User=root")

missing=()
for package in "${packages[@]}"; do
  compgen -G "$apt_dir/debs/${package}_${version//:/%3a}_*.deb" >/dev/null || missing+=("$package=$version")
done
if ((${#missing[@]})); then
  apt-get "${apt_options[@]}" update
  (cd "$apt_dir/debs" && apt-get "${apt_options[@]}" download "${missing[@]}")
fi

# Extract (dpkg-deb -x: no maintainer scripts, no dpkg database).
if [[ ! -e $sys/.extracted ]]; then
  for deb in "$apt_dir"/debs/*.deb; do dpkg-deb -x "$deb" "$sys"; done
  touch "$sys/.extracted"
fi

# The library's own dependencies (libgomp1, libstdc++6) come from bookworm; say if one is missing.
if ldd "$sys/usr/lib/x86_64-linux-gnu/libngspice.so.0" | grep -q 'not found'; then
  echo "ngspice_private: libngspice $short misses libraries:" >&2
  ldd "$sys/usr/lib/x86_64-linux-gnu/libngspice.so.0" | grep 'not found' >&2
  exit 1
fi

# spinit names the code models by absolute /usr paths: those would be the system's. Point them here.
spinit=$sys/usr/share/ngspice/scripts/spinit
sed -i "s#^\( *codemodel \)/usr/lib/#\1$sys/usr/lib/#; s#^\( *osdi \)/usr/lib/#\1$sys/usr/lib/#" "$spinit"

# pkg-config file with the private prefix.
mkdir -p "$root/pkgconfig"
sed "s#^prefix=.*#prefix=$sys/usr#" "$sys/usr/lib/x86_64-linux-gnu/pkgconfig/ngspice.pc" \
  >"$root/pkgconfig/ngspice.pc"

cat >"$root/env.sh" <<EOF
# ngspice $short from $sys (written by scripts/ngspice_private.sh)
export PATH="$sys/usr/bin:\$PATH"
export LD_LIBRARY_PATH="$sys/usr/lib/x86_64-linux-gnu\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
export SPICE_LIB_DIR="$sys/usr/share/ngspice"
export SPICE_SCRIPTS="$sys/usr/share/ngspice/scripts"
export PKG_CONFIG_PATH="$root/pkgconfig\${PKG_CONFIG_PATH:+:\$PKG_CONFIG_PATH}"
EOF

# Build: pkg-config finds the private ngspice.pc first; CMake links the full path of the
# private libngspice.so and gives the binaries an RPATH to it.
PKG_CONFIG_PATH="$root/pkgconfig" nice -n 19 cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
nice -n 19 cmake --build "$build" -j2
. "$root/env.sh"
"$build/cllnsim" --version
echo "ngspice_private: ldd $build/cllnsim:"
ldd "$build/cllnsim" | grep ngspice
