#!/bin/sh
# A one-node Slurm cluster on this machine for the cluster tests (needs root and
# Debian's slurm-wlm and munge):
#   local-slurm.sh start DIR   write DIR/slurm.conf, start munged, slurmctld, slurmd
#   local-slurm.sh stop DIR    stop what start started
# The tests find it through SLURM_CONF=DIR/slurm.conf. Every step that fails says
# which and shows the daemon's log, so that a CI failure can be read. Not root:
# the daemons are started with sudo when it needs no password.
set -eu
mode=${1:?usage: local-slurm.sh start|stop DIR}
dir=${2:?usage: local-slurm.sh start|stop DIR}
conf="$dir/slurm.conf"

fail() {
  echo "local-slurm: $*" >&2
  for log in "$dir"/log/*.log; do [ -f "$log" ] && { echo "== $log" >&2; tail -20 "$log" >&2; }; done
  exit 1
}

root=
if [ "$(id -u)" -ne 0 ] && sudo -n true 2>/dev/null; then root=sudo; fi

stop_daemon() { # pid file
  [ -f "$1" ] || return 0
  pid=$(cat "$1")
  $root kill "$pid" 2>/dev/null || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do $root kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  $root kill -9 "$pid" 2>/dev/null || true
  $root rm -f "$1"
}

if [ "$mode" = stop ]; then
  stop_daemon "$dir/slurmd.pid"
  stop_daemon "$dir/slurmctld.pid"
  stop_daemon "$dir/munge/munged.pid"
  exit 0
fi
[ "$mode" = start ] || { echo "usage: local-slurm.sh start|stop DIR" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || [ -n "$root" ] ||
  fail "slurmctld and slurmd need root here: run the tests as root, or with password-less sudo"
for tool in slurmctld slurmd sbatch sinfo munged munge; do
  command -v "$tool" >/dev/null || fail "$tool is missing: install Debian's slurm-wlm and munge"
done
stop_daemon "$dir/slurmd.pid"
stop_daemon "$dir/slurmctld.pid"
rm -rf "$dir/state" "$dir/spool"
mkdir -p "$dir/state" "$dir/spool" "$dir/log"

# munge authenticates Slurm's messages; one may already run (a system service).
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  [ -f /etc/munge/munge.key ] || fail "no /etc/munge/munge.key (reinstall munge)"
  # munged runs as its own user and insists on owning its socket, log and pid folders.
  $root mkdir -p /run/munge "$dir/munge" && $root chown munge:munge /run/munge "$dir/munge"
  $root runuser -u munge -- munged --force --pid-file="$dir/munge/munged.pid" \
    --log-file="$dir/munge/munged.log" 2>"$dir/log/munged-start.log" ||
    fail "munged did not start: $(cat "$dir/log/munged-start.log" "$dir/munge/munged.log" 2>/dev/null)"
  for _ in 1 2 3 4 5 6 7 8 9 10; do munge -n | unmunge >/dev/null 2>&1 && break; sleep 0.5; done
  munge -n | unmunge >/dev/null 2>&1 || fail "munge does not work after starting munged"
fi

# Addresses are given, so that a machine whose name does not resolve works too.
host=$(hostname -s)
cat >"$conf" <<CONF
ClusterName=cisterna-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldPort=26817
SlurmdPort=26818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=30 State=UP
CONF
export SLURM_CONF="$conf"
$root env SLURM_CONF="$conf" slurmctld -c || fail "slurmctld did not start"
$root env SLURM_CONF="$conf" slurmd -c -N "$host" || fail "slurmd did not start"
for _ in $(seq 1 60); do
  state=$(sinfo -h -o %T 2>/dev/null || true)
  [ "$state" = idle ] && { echo "local-slurm: node $host idle ($conf)"; exit 0; }
  sleep 0.5
done
fail "the node did not become idle (sinfo says: ${state:-nothing})"
