#!/usr/bin/env bash
# `cllnsim sweep --slurm` and `--collect` against a real one-node Slurm that this test starts
# (munged, slurmctld, slurmd from Debian's packages, as root, every file in a temporary folder,
# on free ports and a private munge socket) and stops again, whatever happens:
# 1. a 4-point sweep submitted to a cluster whose MaxArraySize is 3 (so as two job arrays,
#    points 0-2 and 3), collected, and its sweep.csv compared with the same sweep run locally
#    (same seeds: same numbers);
# 2. the same sweep with one array task cancelled (scancel) and the result of point 3 (of the
#    second array) deleted: --collect reports both missing, and the re-submit command it prints
#    runs those two points only, each in its own array.
# usage: tests/slurm_sweep_test.sh CLLNSIM_BINARY REPO_ROOT
# Exits 0 when every check passes, 1 on the first failure (with the reason and the daemons' logs).
set -euo pipefail

test_name=slurm_sweep_test
source "$(dirname "$0")/script_test_common.sh"

for program in munged mungekey munge unmunge slurmctld slurmd sbatch squeue scancel sinfo setpriv \
  python3; do
  command -v "$program" >/dev/null ||
    fail "$program not found: scripts/setup.sh installs munge, slurmctld, slurmd, slurm-client"
done
[[ $(id -u) -eq 0 ]] || fail "must run as root (it starts slurmd, and munged as user munge)"
id munge >/dev/null 2>&1 || fail "no user 'munge' (the munge package creates it)"

# Under /tmp whatever TMPDIR says: user munge must be able to reach its socket there.
tmp=$(realpath "$(mktemp -d /tmp/cllnsim-slurm-XXXXXX)")
binary=$(realpath "$binary")  # cllnsim prints the commands it writes with resolved paths
chmod 755 "$tmp"  # munged runs as user munge and needs to reach its folder
cluster=$tmp/cluster
mkdir -p "$cluster/munge" "$cluster/slurm/state" "$cluster/slurm/spool"
pids=()  # of the daemons this test started, stopped by on_exit

stop_daemons() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  done
}

on_exit() {
  local status=$?
  if [[ $status -ne 0 ]]; then
    for log in "$cluster"/munge/munged.log "$cluster"/slurm/*.log "$tmp"/*/slurm/*.out; do
      [[ -f $log ]] || continue
      echo "---- $log (last 30 lines)" >&2
      tail -n 30 "$log" >&2
    done
  fi
  stop_daemons
  rm -rf "$tmp"
  exit "$status"
}
trap on_exit EXIT
trap 'exit 1' INT TERM

# wait_for WHAT SECONDS COMMAND...: waits until COMMAND succeeds; fails the test after SECONDS,
# or when the whole test has taken 300 s (it takes about 25 s; ctest's limit is 400 s).
wait_for() {
  local what=$1 limit=$2
  shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "timed out after $limit s waiting for $what"
    ((SECONDS < 300)) || fail "the test's 300 s are spent, waiting for $what"
    sleep 0.3
  done
}

# --- munge: a private key and socket, run as user munge.
chown munge:munge "$cluster/munge"
chmod 711 "$cluster/munge"
setpriv --reuid=munge --regid=munge --init-groups mungekey --create \
  --keyfile="$cluster/munge/munge.key" || fail "mungekey failed"
socket=$cluster/munge/socket
setpriv --reuid=munge --regid=munge --init-groups munged --foreground --socket="$socket" \
  --key-file="$cluster/munge/munge.key" --log-file="$cluster/munge/munged.log" \
  --pid-file="$cluster/munge/munged.pid" --seed-file="$cluster/munge/munged.seed" \
  >"$cluster/munge/stdout" 2>&1 &
pids+=($!)
munge_works() { munge -n --socket="$socket" | unmunge --socket="$socket"; }
wait_for "munged to answer on $socket" 20 munge_works

# --- Slurm: controller and node on free ports, state in $cluster/slurm.
read -r controller_port node_port < <(python3 -c '
import socket
sockets = [socket.socket() for _ in range(2)]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in sockets])')
node=$(hostname -s)
export SLURM_CONF=$cluster/slurm/slurm.conf
cat >"$SLURM_CONF" <<CONF
ClusterName=cllnsimtest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$controller_port
SlurmdPort=$node_port
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmUser=root
SlurmdUser=root
ReturnToService=2
MpiDefault=none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
SlurmctldPidFile=$cluster/slurm/slurmctld.pid
SlurmdPidFile=$cluster/slurm/slurmd.pid
SlurmctldLogFile=$cluster/slurm/slurmctld.log
SlurmdLogFile=$cluster/slurm/slurmd.log
StateSaveLocation=$cluster/slurm/state
SlurmdSpoolDir=$cluster/slurm/spool
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
MaxArraySize=3
CONF
slurmctld -D -f "$SLURM_CONF" >"$cluster/slurm/slurmctld.stdout" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$cluster/slurm/slurmd.stdout" 2>&1 &
pids+=($!)
node_idle() { [[ $(timeout 10 sinfo --noheader --format=%t) == idle ]]; }
wait_for "the node to be idle (sinfo)" 60 node_idle

# --- The sweep: 2 learning rates x 2 seeds of a 3-epoch run on a 3x3 lattice.
cat >"$tmp/base.json" <<JSON
{"name": "tiny", "seed": 1,
 "network": {"lattice": {"rows": 3, "cols": 3, "periodic": false},
   "inputs": [{"name": "x1", "at": [0, 0]}, {"name": "x2", "at": [0, 2]}],
   "rails": [{"name": "r", "at": [1, 1], "volts": 0.2}],
   "outputs": [{"name": "out", "plus": [2, 2]}],
   "edge": {"file": "$repo/netlists/edges/nmos_rule.sub", "subckt": "cl_nmos_rule"}},
 "training": {"epochs": 3}}
JSON
cat >"$tmp/spec.json" <<JSON
{"base": "base.json", "axes": [{"path": "training.eta", "values": [0.3, 0.5]}], "repeats": 2}
JSON
cat >"$tmp/site.sh" <<'SITE'
#SBATCH --comment=cllnsim-test
echo "site template line ran"
SITE

# Waits until Slurm holds no task of job $1 any more.
job_gone() { [[ -z $(timeout 10 squeue --noheader --array --jobs="$1" --format=%i) ]]; }
# The sweep.csv of $1 without the wall_seconds column (the only one that differs between runs).
numbers() {
  python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
drop = rows[0].index("wall_seconds")
for row in rows:
    print(",".join(cell for i, cell in enumerate(row) if i != drop))' "$1/sweep.csv"
}

timeout 120 "$binary" sweep "$tmp/spec.json" --out "$tmp/local" --jobs 2 --quiet >/dev/null ||
  fail "the local sweep failed"

# 1. The whole sweep, as two job arrays (MaxArraySize 3).
out=$tmp/array
timeout 30 "$binary" sweep "$tmp/spec.json" --out "$out" --slurm --time 00:05:00 \
  --template "$tmp/site.sh" >"$tmp/submit.out" || fail "--slurm failed: $(cat "$tmp/submit.out")"
# The job ids of the arrays holding points $1 (as --slurm reports them).
job_of() { sed -n "s/^submitted job array \([0-9]*\) (points $1)\$/\1/p" "$tmp/submit.out"; }
first=$(job_of 0-2)
second=$(job_of 3)
[[ -n $first && -n $second ]] || fail "not two arrays (points 0-2, 3): $(cat "$tmp/submit.out")"
grep -q "4 points in 2 job arrays (the cluster's MaxArraySize is 3)" "$tmp/submit.out" ||
  fail "the split is not reported: $(cat "$tmp/submit.out")"
collect=$(sed -n 's/^merge the results: //p' "$tmp/submit.out")
[[ $collect == "$binary sweep $tmp/spec.json --out $out --collect" ]] ||
  fail "unexpected collect command: $(cat "$tmp/submit.out")"
wait_for "job array $first to finish" 120 job_gone "$first"
wait_for "job array $second to finish" 120 job_gone "$second"
timeout 60 bash -c "$collect" >"$tmp/collect.out" || fail "$collect failed: $(cat "$tmp/collect.out")"
grep -q "4 points: 4 completed, 0 failed, 0 not finished" "$tmp/collect.out" ||
  fail "unexpected collect report: $(cat "$tmp/collect.out")"
[[ -s $out/sweep.png ]] || fail "--collect wrote no sweep.png"
[[ $(numbers "$out") == $(numbers "$tmp/local") ]] ||
  fail "sweep.csv from Slurm differs from the local run:
$(diff <(numbers "$out") <(numbers "$tmp/local"))"
grep -q ",completed," "$out/sweep.csv" || fail "no completed point in $out/sweep.csv"
for log in "${first}_0" "${first}_1" "${first}_2" "${second}_0"; do
  grep -q "site template line ran" "$out/slurm/$log.out" ||
    fail "task $log did not run the template's line"
done
grep -q "^point 3: completed" "$out/slurm/${second}_0.out" ||
  fail "task 0 of the second array did not run point 3: $(cat "$out/slurm/${second}_0.out")"

# 2. One task cancelled before it ran (one task at a time, so task 2 is still pending), and
# the result of point 3 (second array) deleted.
out=$tmp/cancelled
timeout 30 "$binary" sweep "$tmp/spec.json" --out "$out" --slurm --max-concurrent 1 \
  >"$tmp/submit.out" || fail "--slurm --max-concurrent failed: $(cat "$tmp/submit.out")"
first=$(job_of 0-2)
second=$(job_of 3)
timeout 10 scancel "${first}_2" || fail "scancel ${first}_2 failed"
wait_for "job array $first to finish" 120 job_gone "$first"
wait_for "job array $second to finish" 120 job_gone "$second"
[[ ! -e $out/slurm/${first}_2.out ]] || fail "the cancelled task 2 ran anyway; nothing was tested"
rm -r "$out/points/0003"
timeout 60 "$binary" sweep "$tmp/spec.json" --out "$out" --collect --no-plot \
  >"$tmp/collect.out" || fail "--collect failed: $(cat "$tmp/collect.out")"
grep -q "4 points: 2 completed, 0 failed, 2 not finished" "$tmp/collect.out" ||
  fail "unexpected collect report: $(cat "$tmp/collect.out")"
grep -qx "missing (no result, not queued): 2-3" "$tmp/collect.out" ||
  fail "points 2 and 3 not reported missing: $(cat "$tmp/collect.out")"
resubmit=$(sed -n 's/^re-submit them: //p' "$tmp/collect.out")
name=$(sed -n 's/^#SBATCH --job-name=//p' "$out/sweep.sbatch")
# %1: the script's --max-concurrent, kept; point 3 as task 0 of an array named for offset 3.
[[ $resubmit == "sbatch --array=2%1 $out/sweep.sbatch && sbatch --array=0%1 --job-name=$name+3 $out/sweep.sbatch" ]] ||
  fail "unexpected command: $resubmit"
before=$(stat -c "%i %.9Y" "$out"/points/000{0,1}/point.json)
timeout 30 bash -c "$resubmit" >"$tmp/resubmit.out" || fail "$resubmit failed"
mapfile -t jobs < <(sed -n 's/^Submitted batch job \([0-9]*\)$/\1/p' "$tmp/resubmit.out")
[[ ${#jobs[@]} -eq 2 ]] || fail "not two job ids in: $(cat "$tmp/resubmit.out")"
wait_for "job ${jobs[0]} to finish" 120 job_gone "${jobs[0]}"
wait_for "job ${jobs[1]} to finish" 120 job_gone "${jobs[1]}"
[[ $(cd "$out/slurm" && echo "${jobs[0]}"_*.out "${jobs[1]}"_*.out) == "${jobs[0]}_2.out ${jobs[1]}_0.out" ]] ||
  fail "the re-submitted jobs ran other tasks: $(ls "$out/slurm")"
grep -q "^point 2: completed" "$out/slurm/${jobs[0]}_2.out" || fail "task 2 did not run point 2"
grep -q "^point 3: completed" "$out/slurm/${jobs[1]}_0.out" ||
  fail "task 0 of $name+3 did not run point 3"
[[ $(stat -c "%i %.9Y" "$out"/points/000{0,1}/point.json) == "$before" ]] ||
  fail "the re-submitted jobs ran a finished point again"
timeout 60 "$binary" sweep "$tmp/spec.json" --out "$out" --collect --no-plot \
  >"$tmp/collect.out" || fail "--collect failed: $(cat "$tmp/collect.out")"
grep -q "4 points: 4 completed, 0 failed, 0 not finished" "$tmp/collect.out" ||
  fail "points 2 and 3 did not complete after the re-submit: $(cat "$tmp/collect.out")"
[[ $(numbers "$out") == $(numbers "$tmp/local") ]] || fail "sweep.csv differs from the local run"

echo "slurm_sweep_test: ok"
