#!/usr/bin/env bash
# End-to-end test of the Slurm scripts against a real, throwaway, single-node
# Slurm: the product promises that a job array of shards plus a dependent merge
# gives results byte-identical to one serial run.
#
# What it does (as root on Debian/Ubuntu; no systemd needed):
#   1. installs slurmctld, slurmd, slurm-client and munge with apt-get (skipped
#      when already installed);
#   2. starts a private munged and a private Slurm (controller and one node,
#      this machine) whose keys, sockets, state, logs and slurm.conf all live in
#      a temporary directory, on free local ports, without cgroups or
#      accounting, so nothing on the machine is reconfigured and repeated runs
#      do not interfere;
#   3. builds the release binary and, with scripts/slurm/submit.sh, submits
#        a. `run`     of the teaching scenario, 1200 runs, seed 11, 4 shards;
#        b. `compare` of the same scenario, 300 runs, seed 5, 2 shards;
#        c. a `run` whose shards all fail (an unknown --set field);
#      then waits (with a deadline) and checks that every job of a and b ended
#      COMPLETED, and that in c the shards FAILED and the merge was cancelled
#      rather than left pending;
#   4. runs a and b serially with `statecraft` and compares every CSV of each
#      merged directory with the serial one byte for byte (cmp);
#   5. deletes shard 2 and the merged directory of a, checks that submit.sh
#      refuses to reuse the directory unasked, resubmits that one shard with
#      RESUME=1 TASKS=2 (plus a new merge) and compares again;
#   6. stops the daemons it started, by their recorded PIDs, and removes the
#      temporary directory (KEEP_TMP=1 keeps it).
# It prints a PASS or FAIL line (with the daemons' and jobs' logs on failure)
# and exits non-zero on any failure; it takes well under a minute once the
# packages are installed. Without root or apt-get it prints SKIP and exits 0.
#
# Usage: bash scripts/slurm/test.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

T0=$SECONDS
say() { printf '[slurm-test %4ds] %s\n' "$((SECONDS - T0))" "$*"; }
skip() {
    echo "=================================================================="
    echo "SKIP: scripts/slurm/test.sh: $* -- Slurm scripts NOT tested"
    echo "=================================================================="
    exit 0
}

[[ "$(id -u)" == 0 ]] || skip "needs root (installs Slurm and munge and runs their daemons)"
command -v apt-get >/dev/null 2>&1 || skip "needs apt-get (Debian or Ubuntu)"

# Nothing from a calling Slurm job or the user's settings may leak in.
while IFS= read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(SLURM|SBATCH|SALLOC|SRUN)_' || true)
unset COMMAND STATECRAFT_ARGS STATECRAFT_BIN EXTRA_SBATCH_ARGS SHARD_SBATCH_ARGS \
    MERGE_SBATCH_ARGS MAX_PARALLEL TASKS RESUME FORCE PREFLIGHT COPY_BIN

SCENARIO=scenarios/classic_cooperation.toml
BIN=target/release/statecraft
JOB_DEADLINE=${JOB_DEADLINE:-300} # seconds for all jobs to finish
PASSED=0
DUMPED=0
WORK=""
declare -A PIDS=() # daemon name -> pid, of the daemons this script started
SUBMITTED=()       # job ids this script submitted

alive() { # a live (not zombie) process?
    local st
    st="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
    st="${st##*) }"
    [[ "${st%% *}" != Z ]]
}

stop_pid() {
    local name="$1" pid="$2" i
    alive "$pid" || return 0
    # Never signal a process that merely reuses a recorded PID.
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$name" ]] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        alive "$pid" || break
        sleep 0.1
    done
    if alive "$pid"; then
        say "$name (pid $pid) ignored SIGTERM; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true # reap it if it is our child
}

dump_logs() {
    ((DUMPED == 0)) || return 0
    DUMPED=1
    [[ -n "$WORK" && -d "$WORK" ]] || return 0
    local f
    for f in "$WORK"/log/* "$WORK"/munge/munged.log "$WORK"/out-*/logs/*; do
        [[ -f "$f" ]] || continue
        echo "----- ${f#"$WORK"/} (last 40 lines) -----"
        tail -n 40 "$f"
    done
    echo "----- end of logs -----"
}

cleanup() {
    local rc=$?
    set +e
    if [[ -n "${PIDS[slurmctld]:-}" ]] && alive "${PIDS[slurmctld]}" && ((${#SUBMITTED[@]})); then
        # Cancel what is still queued or running, so no job outlives slurmd.
        local ids i
        ids="$(IFS=,; echo "${SUBMITTED[*]}")"
        scancel "${SUBMITTED[@]}" 2>/dev/null
        for ((i = 0; i < 50; i++)); do
            [[ -z "$(squeue -h -j "$ids" 2>/dev/null)" ]] && break
            sleep 0.2
        done
    fi
    for name in slurmd slurmctld munged; do
        [[ -n "${PIDS[$name]:-}" ]] && stop_pid "$name" "${PIDS[$name]}"
    done
    if ((rc != 0 || PASSED == 0)); then
        dump_logs
        ((rc != 0)) || rc=1
        echo "=================================================================="
        echo "FAIL: scripts/slurm/test.sh (exit $rc) after $((SECONDS - T0)) s"
        echo "=================================================================="
    fi
    if [[ -n "$WORK" && -d "$WORK" ]]; then
        if [[ "${KEEP_TMP:-0}" == 1 ]]; then
            echo "kept $WORK"
        else
            rm -rf "$WORK"
        fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
    say "FAIL: $*"
    exit 1
}

# ---------------------------------------------------------------- install
PKGS=(slurmctld slurmd slurm-client munge)
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
    say "installing ${missing[*]} (apt-get)"
    t=$SECONDS
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || fail "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${PKGS[@]}" >/dev/null ||
        fail "apt-get install ${PKGS[*]} failed"
    say "installed in $((SECONDS - t)) s"
else
    say "slurmctld, slurmd, slurm-client and munge already installed"
fi
say "slurm $(dpkg-query -W -f='${Version}' slurmctld), $(munged --version 2>&1 | head -n 1)"

# ---------------------------------------------------------------- munge
WORK="$(mktemp -d "${TMPDIR:-/tmp}/statecraft-slurm-test.XXXXXX")"
chmod 0755 "$WORK" # munged (as user munge) must reach its directory
mkdir -p "$WORK/munge" "$WORK/log" "$WORK/state" "$WORK/spool" "$WORK/run"
M="$WORK/munge"
dd if=/dev/urandom of="$M/munge.key" bs=1024 count=1 status=none
chown -R munge:munge "$M"
chmod 0755 "$M"
chmod 0400 "$M/munge.key"
SOCK="$M/munge.socket"
t=$SECONDS
runuser -u munge -- munged --socket="$SOCK" --key-file="$M/munge.key" \
    --log-file="$M/munged.log" --pid-file="$M/munged.pid" --seed-file="$M/munged.seed" ||
    fail "munged did not start"
for ((i = 0; i < 50; i++)); do
    [[ -s "$M/munged.pid" ]] && break
    sleep 0.1
done
PIDS[munged]="$(cat "$M/munged.pid" 2>/dev/null)" || fail "munged wrote no pid file"
munge -n --socket="$SOCK" | unmunge --socket="$SOCK" >/dev/null || fail "munge -n | unmunge failed"
say "munged up (pid ${PIDS[munged]})"

# ---------------------------------------------------------------- slurm.conf
HOST="$(hostname -s)"
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
CTLD_PORT=""
for ((i = 0; i < 50; i++)); do
    p=$((20000 + RANDOM % 20000))
    if ! port_busy "$p" && ! port_busy "$((p + 1))"; then
        CTLD_PORT=$p
        break
    fi
done
[[ -n "$CTLD_PORT" ]] || fail "found no two free local ports"
SLURMD_PORT=$((CTLD_PORT + 1))
# The node's hardware as slurmd sees it; its name must be the short hostname.
NODE_LINE="$(SLURM_CONF=/dev/null slurmd -C 2>/dev/null | head -n 1)"
[[ "$NODE_LINE" == NodeName=* ]] || fail "slurmd -C printed no node line: $NODE_LINE"
NODE_LINE="NodeName=$HOST ${NODE_LINE#NodeName=* }"

export SLURM_CONF="$WORK/slurm.conf"
cat >"$SLURM_CONF" <<EOF
# Throwaway single-node Slurm for scripts/slurm/test.sh
ClusterName=statecraft-test
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCK
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/run/slurmctld.pid
SlurmdPidFile=$WORK/run/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
DependencyParameters=kill_invalid_depend
MinJobAge=5
ReturnToService=2
MpiDefault=none
SwitchType=switch/none
MailProg=/bin/true
$NODE_LINE NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=test Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF

# ---------------------------------------------------------------- daemons
# Foreground (-D) in the background, so the PIDs are exactly the daemons'.
slurmctld -D -i -f "$SLURM_CONF" </dev/null >"$WORK/log/slurmctld.out" 2>&1 &
PIDS[slurmctld]=$!
slurmd -D -f "$SLURM_CONF" </dev/null >"$WORK/log/slurmd.out" 2>&1 &
PIDS[slurmd]=$!
deadline=$((SECONDS + 60))
until [[ "$(sinfo -h -N -n "$HOST" -o %t 2>/dev/null)" == idle ]]; do
    alive "${PIDS[slurmctld]}" || fail "slurmctld died"
    alive "${PIDS[slurmd]}" || fail "slurmd died"
    ((SECONDS < deadline)) || fail "node $HOST not idle after 60 s: $(sinfo -N 2>&1 | tail -n +2)"
    sleep 0.2
done
say "Slurm up in $((SECONDS - t)) s: slurmctld pid ${PIDS[slurmctld]} (port $CTLD_PORT), slurmd pid ${PIDS[slurmd]}; node $HOST idle"

# ---------------------------------------------------------------- build
t=$SECONDS
cargo build --release --locked --quiet --bin statecraft || fail "cargo build --release failed"
say "release binary built in $((SECONDS - t)) s"
# Work on snapshots, so that a rebuild or an edited scenario in the checkout
# while the test runs cannot make the jobs and the serial reference differ.
mkdir -p "$WORK/bin"
cp "$BIN" "$WORK/bin/statecraft"
BIN="$WORK/bin/statecraft"
cp -R "$(dirname "$SCENARIO")" "$WORK/scenarios"
SCENARIO="$WORK/scenarios/$(basename "$SCENARIO")"
for c in run compare; do
    "$BIN" "$c" --help | grep -q -- --shard || fail "$BIN $c has no --shard option"
done
"$BIN" --help | grep -qE '^ +merge' || fail "$BIN has no merge command"

# ---------------------------------------------------------------- helpers
declare -A ARRAY_ID=() MERGE_ID=() TASKLIST=() STATE=()
# submit NAME OUT_ROOT RUNS SHARDS SEED [VAR=value...]: scripts/slurm/submit.sh
# with the given environment; records the job ids and the expected task ids.
submit() {
    local name="$1" out_root="$2" runs="$3" shards="$4" seed="$5" out a tasks
    shift 5
    tasks="$(seq -s ' ' 0 $((shards - 1)))"
    for a in "$@"; do
        [[ "$a" == TASKS=* ]] && tasks="${a#TASKS=}" # a plain comma-free list here
    done
    out="$(env "$@" STATECRAFT_BIN="$BIN" \
        SHARD_SBATCH_ARGS="--cpus-per-task=1 --time=00:10:00" \
        MERGE_SBATCH_ARGS="--time=00:05:00" \
        scripts/slurm/submit.sh "$SCENARIO" "$runs" "$shards" "$seed" "$out_root" 2>"$WORK/log/submit-$name.err")" ||
        fail "submit.sh ($name) failed: $(cat "$WORK/log/submit-$name.err")"
    ARRAY_ID[$name]="$(sed -n 's/^array_job_id=\([0-9]*\)$/\1/p' <<<"$out")"
    MERGE_ID[$name]="$(sed -n 's/^merge_job_id=\([0-9]*\)$/\1/p' <<<"$out")"
    [[ -n "${ARRAY_ID[$name]}" && -n "${MERGE_ID[$name]}" ]] || fail "submit.sh ($name) printed no job ids: $out"
    SUBMITTED+=("${ARRAY_ID[$name]}" "${MERGE_ID[$name]}")
    TASKLIST[$name]="$tasks"
    say "submitted $name: array job ${ARRAY_ID[$name]} (tasks $tasks of $shards), merge job ${MERGE_ID[$name]}"
}

# Accounting is off, so job states come from `scontrol show job`, which keeps
# a finished job for MinJobAge (5 s): poll every second and remember the last
# state seen of every shard and merge.
TERMINAL=" COMPLETED FAILED CANCELLED TIMEOUT NODE_FAIL PREEMPTED BOOT_FAIL DEADLINE OUT_OF_MEMORY "
poll_states() { # NAME...
    local name line
    for name in "$@"; do
        while IFS= read -r line; do
            [[ "$line" =~ (^|\ )JobState=([A-Z_]+) ]] || continue
            local st="${BASH_REMATCH[2]}"
            if [[ "$line" =~ (^|\ )ArrayTaskId=([0-9]+)(\ |$) ]]; then
                STATE[$name/shard-${BASH_REMATCH[2]}]="$st"
            fi
        done < <(scontrol -o show job "${ARRAY_ID[$name]}" 2>/dev/null || true)
        line="$(scontrol -o show job "${MERGE_ID[$name]}" 2>/dev/null || true)"
        if [[ "$line" =~ (^|\ )JobState=([A-Z_]+) ]]; then
            STATE[$name/merge]="${BASH_REMATCH[2]}"
        fi
    done
    return 0
}
all_done() { # NAME...
    local name k
    for name in "$@"; do
        for k in ${TASKLIST[$name]}; do
            [[ "$TERMINAL" == *" ${STATE[$name/shard-$k]:-none} "* ]] || return 1
        done
        [[ "$TERMINAL" == *" ${STATE[$name/merge]:-none} "* ]] || return 1
    done
}
show_states() { # NAME...
    local name k
    for name in "$@"; do
        for k in ${TASKLIST[$name]}; do
            printf '    %-22s %s\n' "$name/shard-$k" "${STATE[$name/shard-$k]:-never seen}"
        done
        printf '    %-22s %s\n' "$name/merge" "${STATE[$name/merge]:-never seen}"
    done
}
wait_jobs() { # NAME...: until every shard and merge has ended, or the deadline
    local t=$SECONDS deadline=$((SECONDS + JOB_DEADLINE))
    until poll_states "$@" && all_done "$@"; do
        if ((SECONDS >= deadline)); then
            show_states "$@"
            squeue 2>&1 || true
            fail "jobs not finished after $JOB_DEADLINE s"
        fi
        sleep 1
    done
    say "jobs of $* ended after $((SECONDS - t)) s:"
    show_states "$@"
}
BAD=0
expect_state() { # KEY STATE
    if [[ "${STATE[$1]:-never seen}" != "$2" ]]; then
        say "$1 ended ${STATE[$1]:-never seen}, expected $2"
        BAD=1
    fi
}
expect_completed() { # NAME...
    local name k
    for name in "$@"; do
        for k in ${TASKLIST[$name]}; do expect_state "$name/shard-$k" COMPLETED; done
        expect_state "$name/merge" COMPLETED
    done
}

# compare_dirs NAME MERGED SERIAL: every CSV byte-identical, none missing or extra.
compare_dirs() {
    local name="$1" merged="$2" serial="$3" f n=0 diff=0
    [[ -f "$serial/outcomes.csv" && -f "$serial/summary.csv" ]] || fail "serial $name wrote no outcomes.csv/summary.csv"
    [[ -d "$merged" ]] || fail "$name: no merged directory $merged"
    for f in "$serial"/*.csv; do
        n=$((n + 1))
        if [[ ! -f "$merged/${f##*/}" ]]; then
            say "$name: merged output lacks ${f##*/}"
            diff=1
        elif ! cmp "$f" "$merged/${f##*/}"; then
            say "$name: ${f##*/} differs from the serial run"
            diff=1
        fi
    done
    for f in "$merged"/*.csv; do
        [[ -f "$serial/${f##*/}" ]] || {
            say "$name: merged output has ${f##*/}, the serial run does not"
            diff=1
        }
    done
    ((diff == 0)) || fail "$name: merged shards differ from the serial run"
    say "$name: all $n CSVs byte-identical to the serial run ($(cd "$serial" && echo *.csv))"
}

# ---------------------------------------------------------------- sharded jobs
t=$SECONDS
submit run "$WORK/out-run" 1200 4 11 COMMAND=run
submit compare "$WORK/out-compare" 300 2 5 COMMAND=compare
submit broken "$WORK/out-broken" 40 2 3 COMMAND=run PREFLIGHT=0 \
    STATECRAFT_ARGS="--set no_such_section.no_such_field=1"
wait_jobs run compare broken
expect_completed run compare
for k in ${TASKLIST[broken]}; do expect_state "broken/shard-$k" FAILED; done
expect_state broken/merge CANCELLED # kill_invalid_depend, not pending forever
[[ ! -e "$WORK/out-broken/merged" ]] || {
    say "broken experiment has a merged directory"
    BAD=1
}
((BAD == 0)) || fail "jobs did not end as expected"
T_SHARDED=$((SECONDS - t))

# ---------------------------------------------------------------- serial reference
t=$SECONDS
"$BIN" run "$SCENARIO" --runs 1200 --seed 11 --out "$WORK/serial-run" --quiet || fail "serial run failed"
"$BIN" compare "$SCENARIO" --runs 300 --seed 5 --out "$WORK/serial-compare" --quiet || fail "serial compare failed"
T_SERIAL=$((SECONDS - t))
say "serial run and compare took $T_SERIAL s"
compare_dirs run "$WORK/out-run/merged" "$WORK/serial-run"
compare_dirs compare "$WORK/out-compare/merged" "$WORK/serial-compare"

# ---------------------------------------------------------------- a lost shard
# Shard 2 of the run is lost (as if its node died) before the merge: submit.sh
# must refuse to reuse the directory by accident, and RESUME=1 TASKS=2 must
# rerun just that shard (--array=2, so SHARDS, not the array size, gives N)
# and merge again.
t=$SECONDS
rm -rf "$WORK/out-run/shard-2" "$WORK/out-run/merged"
if STATECRAFT_BIN="$BIN" scripts/slurm/submit.sh "$SCENARIO" 1200 4 11 "$WORK/out-run" >/dev/null 2>&1; then
    fail "submit.sh accepted an OUT_ROOT that already holds shards without RESUME=1 or FORCE=1"
fi
submit resume "$WORK/out-run" 1200 4 11 COMMAND=run RESUME=1 TASKS=2
wait_jobs resume
expect_completed resume
((BAD == 0)) || fail "resubmitted shard or merge did not complete"
compare_dirs resume "$WORK/out-run/merged" "$WORK/serial-run"
T_RESUME=$((SECONDS - t))

PASSED=1
echo "=================================================================="
echo "PASS: scripts/slurm/test.sh in $((SECONDS - T0)) s: Slurm job arrays + dependent merge"
echo "      == serial runs, byte for byte (run 1200 runs/4 shards, compare 300/2);"
echo "      failed shards cancel the merge; a lost shard reruns with RESUME=1 TASKS=2."
echo "      (jobs ${T_SHARDED} s, serial ${T_SERIAL} s, resume ${T_RESUME} s)"
echo "=================================================================="
