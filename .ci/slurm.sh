#!/usr/bin/env bash
# Starts a single-node Slurm cluster on this machine for the scale-out tests: munge for
# authentication, slurmctld and slurmd as root, one node (this host) with its cores and memory,
# proctrack/linuxproc (no cgroups needed) and no accounting database. Idempotent: does nothing if
# `sinfo` already answers. Needs the Debian packages slurm-wlm and munge.
set -uo pipefail
command -v slurmctld >/dev/null 2>&1 || { echo "slurm: slurm-wlm is not installed"; exit 1; }
if timeout 5 sinfo -h >/dev/null 2>&1; then exit 0; fi

host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge /var/lib/munge /var/log/munge
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=landscape
SlurmctldHost=${host}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
NodeName=${host} CPUs=${cpus} RealMemory=${mem} State=UNKNOWN
PartitionName=main Nodes=${host} Default=YES MaxTime=INFINITE State=UP
CONF
if [ ! -s /etc/munge/munge.key ]; then
  mkdir -p /etc/munge
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge 2>/dev/null || true
chmod 400 /etc/munge/munge.key
pgrep -x munged >/dev/null || su -s /bin/sh munge -c /usr/sbin/munged 2>/dev/null || /usr/sbin/munged --force
pgrep -x slurmctld >/dev/null || /usr/sbin/slurmctld
pgrep -x slurmd >/dev/null || /usr/sbin/slurmd
for _ in $(seq 1 30); do
  if timeout 5 sinfo -h -o %T 2>/dev/null | grep -qE "idle|mix|alloc"; then exit 0; fi
  scontrol update NodeName="${host}" State=RESUME >/dev/null 2>&1 || true
  sleep 1
done
echo "slurm: the node did not come up: $(sinfo -h 2>&1 | head -1)"
exit 1
