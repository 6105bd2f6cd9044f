#!/usr/bin/env bash
# The chip edges' learning offset at DC: all four terminals at 0.225 V (zero contrast), learn at
# vdd, the gate held by a source swept 0.8..3.6 V; prints the current the edge drives into the
# gate (A, ngspice's i(vg): positive charges the gate; 1 nA = 2e-5 V^2 of contrast at
# gl = 50 uA/V^2). Runs `ngspice -b` from the edge's folder so its `.include` resolves.
# usage: scripts/chip_offset_bench.sh [EDGE_FILE] [SUBCKT]
#   scripts/chip_offset_bench.sh netlists/edges/cmos_chip.sub cmos_chip
#   scripts/chip_offset_bench.sh netlists/edges/cmos_chip_rgc.sub cmos_chip_rgc
set -euo pipefail
edge=$(realpath "${1:-netlists/edges/cmos_chip.sub}")
subckt=${2:-cmos_chip}
bench=$(mktemp --suffix=.cir)
trap 'rm -f "$bench"' EXIT
cat > "$bench" <<CIR
* zero-contrast output current of $subckt against the gate voltage
.include $edge
Vdd vdd 0 5
Vss vss 0 -2.5
Vl learn 0 5
Vfa fa 0 0.225
Vfb fb 0 0.225
Vca ca 0 0.225
Vcb cb 0 0.225
Vg g 0 2
X1 fa fb ca cb g learn vdd vss $subckt
.control
dc vg 0.8 3.6 0.4
print i(vg)
.endc
.end
CIR
cd "$(dirname "$edge")"
ngspice -b "$bench" 2>&1 | grep -E '^[0-9]+[[:space:]]'
