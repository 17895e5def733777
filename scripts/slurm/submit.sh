#!/usr/bin/env bash
# Submit a statecraft experiment to Slurm: a job array of SHARDS shards and a
# merge job that runs once every shard has succeeded.
#
# Usage:
#   scripts/slurm/submit.sh SCENARIO RUNS SHARDS [SEED] [OUT_ROOT]
#
#   SCENARIO  scenario file (TOML)
#   RUNS      total Monte Carlo runs, split over the shards
#   SHARDS    number of array tasks; task K runs `--shard K/SHARDS`
#   SEED      master seed (default: the scenario's run.seed)
#   OUT_ROOT  experiment directory (default:
#             results/<scenario>/<command>-<seed>-slurm). Shard K writes
#             OUT_ROOT/shard-K, the merge writes OUT_ROOT/merged, Slurm logs go
#             to OUT_ROOT/logs.
#
# Environment (all optional):
#   COMMAND            run | compare                            (default: run)
#   STATECRAFT_ARGS    extra statecraft flags for every shard, split on
#                      whitespace, e.g. "--set doctrines.neoliberal.discount=0.6"
#                      or "--profiles neorealist,neoliberal --focus KAZ"
#   STATECRAFT_BIN     binary to run (default: target/release/statecraft of
#                      this checkout if built, else `statecraft` on PATH). It
#                      is copied to OUT_ROOT/bin/statecraft and every job runs
#                      that copy, so rebuilding while jobs wait in the queue
#                      cannot mix versions; set COPY_BIN=0 to run it in place.
#   EXTRA_SBATCH_ARGS  sbatch options for both jobs, e.g. "--account=abc123"
#   SHARD_SBATCH_ARGS  sbatch options for the shards, e.g.
#                      "--time=04:00:00 --cpus-per-task=32 --partition=compute"
#   MERGE_SBATCH_ARGS  sbatch options for the merge job
#   MAX_PARALLEL       run at most this many shards at once (--array=...%M)
#   TASKS              submit only these array indices, e.g. "3" or "2,5-6"
#                      (to rerun failed shards; combine with RESUME=1)
#   RESUME=1           shards pass --resume (finish unfinished chunks only);
#                      the merge replaces OUT_ROOT/merged
#   FORCE=1            start over: shards and merge pass --force
#   PREFLIGHT=0        skip the `statecraft check` of the scenario before
#                      submitting
#
# Prints, on stdout, lines `array_job_id=...`, `merge_job_id=...` and
# `out_root=...` (eval-able); hints go to stderr.
#
# Example:
#   scripts/slurm/submit.sh scenarios/kazakhstan_wto_eaeu.toml 100000 20 7
set -euo pipefail

die() {
    echo "submit.sh: error: $*" >&2
    exit 2
}
usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
    exit 2
}

[[ $# -ge 3 && $# -le 5 ]] || usage
SCENARIO="$1"
RUNS="$2"
SHARDS="$3"
SEED="${4:-}"
OUT_ROOT="${5:-}"
COMMAND="${COMMAND:-run}"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, not '$RUNS'"
[[ "$SHARDS" =~ ^[1-9][0-9]*$ ]] || die "SHARDS must be a positive integer, not '$SHARDS'"
[[ -z "$SEED" || "$SEED" =~ ^[0-9]+$ ]] || die "SEED must be a non-negative integer, not '$SEED'"
case "$COMMAND" in
run | compare) ;;
*) die "COMMAND must be run or compare, not '$COMMAND'" ;;
esac
[[ -f "$SCENARIO" ]] || die "no scenario file '$SCENARIO'"
SCENARIO="$(realpath "$SCENARIO")"
command -v sbatch >/dev/null 2>&1 || die "sbatch not found: run this on a Slurm login node"

# The binary.
if [[ -z "${STATECRAFT_BIN:-}" ]]; then
    if [[ -x "$repo/target/release/statecraft" ]]; then
        STATECRAFT_BIN="$repo/target/release/statecraft"
    elif command -v statecraft >/dev/null 2>&1; then
        STATECRAFT_BIN="$(command -v statecraft)"
    else
        die "no statecraft binary: build it (cargo build --release), module load it, or set STATECRAFT_BIN"
    fi
fi
command -v "$STATECRAFT_BIN" >/dev/null 2>&1 || die "statecraft binary '$STATECRAFT_BIN' not found"
STATECRAFT_BIN="$(realpath "$(command -v "$STATECRAFT_BIN")")"
"$STATECRAFT_BIN" "$COMMAND" --help 2>/dev/null | grep -q -- '--shard' ||
    die "$STATECRAFT_BIN does not support '$COMMAND --shard' (too old a version?)"

# Catch a broken scenario or --set now rather than after queueing.
if [[ "${PREFLIGHT:-1}" != 0 ]]; then
    check_args=()
    read -r -a extra <<<"${STATECRAFT_ARGS:-}"
    for ((i = 0; i < ${#extra[@]}; i++)); do
        case "${extra[i]}" in
        --set) check_args+=(--set "${extra[i + 1]:-}") && i=$((i + 1)) ;;
        --set=*) check_args+=("${extra[i]}") ;;
        esac
    done
    if ! msg="$("$STATECRAFT_BIN" check "$SCENARIO" "${check_args[@]}" 2>&1 >/dev/null)"; then
        echo "$msg" >&2
        die "the scenario does not pass 'statecraft check'; nothing submitted"
    fi
fi

# The experiment directory.
if [[ -z "$OUT_ROOT" ]]; then
    stem="$(basename "$SCENARIO" .toml)"
    OUT_ROOT="results/$stem/$COMMAND-${SEED:-default}-slurm"
fi
mkdir -p "$OUT_ROOT/logs"
OUT_ROOT="$(realpath "$OUT_ROOT")"
if [[ "${RESUME:-0}" != 1 && "${FORCE:-0}" != 1 ]]; then
    if compgen -G "$OUT_ROOT/shard-*" >/dev/null || [[ -e "$OUT_ROOT/merged" ]]; then
        die "$OUT_ROOT already holds results; use RESUME=1 to finish them, FORCE=1 to replace them, or another OUT_ROOT"
    fi
fi

# Freeze the binary for the whole experiment (a resume must use the same one).
if [[ "${COPY_BIN:-1}" != 0 ]]; then
    frozen="$OUT_ROOT/bin/statecraft"
    if [[ ! -x "$frozen" || "${FORCE:-0}" == 1 ]]; then
        mkdir -p "$OUT_ROOT/bin"
        cp "$STATECRAFT_BIN" "$frozen.tmp"
        mv -f "$frozen.tmp" "$frozen"
    elif ! cmp -s "$STATECRAFT_BIN" "$frozen"; then
        echo "submit.sh: note: using the binary frozen in $frozen, not $STATECRAFT_BIN" >&2
    fi
    STATECRAFT_BIN="$frozen"
fi

ARRAY="${TASKS:-0-$((SHARDS - 1))}"
[[ "$ARRAY" =~ ^[0-9][0-9,-]*$ ]] || die "TASKS must be array indices like '3' or '2,5-6', not '$ARRAY'"
[[ -n "${MAX_PARALLEL:-}" ]] && ARRAY="$ARRAY%$MAX_PARALLEL"

# The jobs read their parameters from the environment (sbatch exports it by
# default; --export=ALL makes that explicit).
export SCENARIO RUNS SHARDS SEED OUT_ROOT COMMAND STATECRAFT_BIN
export STATECRAFT_ARGS="${STATECRAFT_ARGS:-}" RESUME="${RESUME:-0}" FORCE="${FORCE:-0}"

# Intentionally split on whitespace: lists of sbatch options.
# shellcheck disable=SC2206
extra_all=(${EXTRA_SBATCH_ARGS:-})
# shellcheck disable=SC2206
extra_shard=(${SHARD_SBATCH_ARGS:-})
# shellcheck disable=SC2206
extra_merge=(${MERGE_SBATCH_ARGS:-})

array_out="$(sbatch --parsable --export=ALL --array="$ARRAY" \
    --job-name="statecraft-$COMMAND" \
    --output="$OUT_ROOT/logs/shard-%a.job%A.out" \
    "${extra_all[@]}" "${extra_shard[@]}" "$here/shard.sbatch")" ||
    die "sbatch of the shard array failed"
array_id="${array_out%%;*}"

# --kill-on-invalid-dep: if a shard fails, cancel the merge instead of leaving
# it pending forever (same as DependencyParameters=kill_invalid_depend).
if ! merge_out="$(sbatch --parsable --export=ALL \
    --dependency="afterok:$array_id" --kill-on-invalid-dep=yes \
    --job-name="statecraft-merge" \
    --output="$OUT_ROOT/logs/merge.job%j.out" \
    "${extra_all[@]}" "${extra_merge[@]}" "$here/merge.sbatch")"; then
    echo "array_job_id=$array_id"
    die "sbatch of the merge job failed; the shards (job $array_id) are queued: merge later with
  OUT_ROOT=$OUT_ROOT SHARDS=$SHARDS STATECRAFT_BIN=$STATECRAFT_BIN sbatch --dependency=afterok:$array_id $here/merge.sbatch"
fi
merge_id="${merge_out%%;*}"

echo "array_job_id=$array_id"
echo "merge_job_id=$merge_id"
echo "out_root=$OUT_ROOT"
cat >&2 <<EOF
Submitted $COMMAND of $(basename "$SCENARIO"): $RUNS runs in $SHARDS shards (array $ARRAY) as job $array_id,
merge as job $merge_id (runs after every shard succeeds; cancelled if one fails).
  watch:   squeue -j $array_id,$merge_id
  logs:    $OUT_ROOT/logs/
  results: $OUT_ROOT/merged/
EOF
