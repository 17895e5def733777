#!/usr/bin/env bash
# Runs every command and snippet the docs show, in order, in a fresh clone, and
# fails with the file, line and command of the first one that fails.
#
#   scripts/check_docs.sh [--worktree] [FILE...]
#
# FILE... defaults to README.md docs/guide.md results/README.md, run in that
# order in one clone, each file in its own shell (so `export`s carry from one
# block of a file to the next, as in a reader's terminal). What runs:
#
#   ```sh       every command, one by one; a line ending in `\` continues
#   ```python   the snippet as a script (python3 with pandas and matplotlib)
#   ```r        the snippet as a script (Rscript with readr, dplyr, tidyr, ggplot2)
#
# Blocks fenced as ```sh not-run: REASON are listed as skipped with their
# reason (the info string after `sh` does not show on a rendered page); plain
# ``` blocks are output and are not run. Snippets must be complete: each one
# runs on its own, as a reader pasting it would run it.
#
# The clone is `git clone` of this repository's HEAD (--worktree: with the
# working tree's tracked and new files copied over it, to check edits before
# committing). It reuses the release binary already built here instead of
# building again, so the two set-up commands of the README map as follows:
#
#   cargo build --release          nothing to do: target/release/statecraft in
#                                  the clone is a link to the built binary
#   cargo run --release -- ARGS    runs that binary with ARGS
#   cargo test --release           skipped: CI runs the whole suite as its own
#                                  step (.ci/run), before this check; running
#                                  it here would only run it twice
#
# Any other cargo command in the docs fails the check. Afterwards the clone
# must hold no new or changed file outside results/ (plots and outputs belong
# under results/, which git ignores).
#
# Environment: STATECRAFT_BIN (default target/release/statecraft), PYTHON
# (default python3), RSCRIPT (default Rscript). DOCS_SKIP_PYTHON=1 or
# DOCS_SKIP_R=1 skips that language's snippets with a warning, for a machine
# without them; .ci/run installs both (as root; without root it skips R).
set -euo pipefail

repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
worktree=0
files=()
for arg in "$@"; do
    case "$arg" in
    --worktree) worktree=1 ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 0
        ;;
    *) files+=("$arg") ;;
    esac
done
((${#files[@]})) || files=(README.md docs/guide.md results/README.md)

bin=${STATECRAFT_BIN:-$repo/target/release/statecraft}
python=${PYTHON:-python3}
rscript=${RSCRIPT:-Rscript}
[[ -x "$bin" ]] || {
    echo "check_docs: no binary at $bin; run cargo build --release first" >&2
    exit 2
}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/statecraft-docs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
clone=$tmp/clone
git clone --quiet --no-hardlinks "$repo" "$clone"
if ((worktree)); then
    (cd "$repo" && git ls-files -z --cached --others --exclude-standard |
        xargs -0 -r sh -c 'for f; do [ -f "$f" ] && printf "%s\0" "$f"; done' sh |
        tar --null -T - -cf -) | tar -xf - -C "$clone"
    git -C "$clone" add -A # the baseline of the check for changed files at the end
fi
mkdir -p "$clone/target/release"
ln -s "$bin" "$clone/target/release/statecraft"

# The cargo stand-in, first on PATH.
mkdir -p "$tmp/shim"
cat >"$tmp/shim/cargo" <<EOF
#!/usr/bin/env bash
case "\$*" in
"build --release") exit 0 ;;
"test --release")
    echo "check_docs: skipped \\\`cargo test --release\\\` (CI runs the suite as its own step)"
    exit 0 ;;
"run --release -- "*) shift 3; exec "$clone/target/release/statecraft" "\$@" ;;
esac
echo "check_docs: the docs may run only cargo build --release, cargo run --release -- ARGS and cargo test --release; got: cargo \$*" >&2
exit 2
EOF
chmod +x "$tmp/shim/cargo"

have() { command -v "$1" >/dev/null 2>&1; }
if [[ "${DOCS_SKIP_PYTHON:-}" != 1 ]] && ! "$python" -c 'import pandas, matplotlib' 2>/dev/null; then
    echo "check_docs: $python cannot import pandas and matplotlib (set DOCS_SKIP_PYTHON=1 to skip the Python snippets)" >&2
    exit 2
fi
if [[ "${DOCS_SKIP_R:-}" != 1 ]] && ! { have "$rscript" &&
    "$rscript" -e 'suppressMessages({library(readr); library(dplyr); library(tidyr); library(ggplot2)})' >/dev/null 2>&1; }; then
    echo "check_docs: $rscript with readr, dplyr, tidyr and ggplot2 is not available (set DOCS_SKIP_R=1 to skip the R snippets)" >&2
    exit 2
fi

# Turn one Markdown file into a bash script: each command or snippet preceded
# by its location, snippets written to files of their own.
generate() { # NAME PATH SNIPPET_DIR
    awk -v file="$1" -v snippets="$3" '
    function quote(s) { gsub(/\047/, "\047\\\047\047", s); return "\047" s "\047" }
    function locate(line, text) {
        printf "__count=$((__count + 1)); __loc=%s; __cmd=%s\n", quote(file ":" line), quote(text)
    }
    /^```/ && !inside {
        inside = 1; start = NR
        lang = substr($0, 4); sub(/[ \t].*$/, "", lang)
        reason = substr($0, 4); sub(/^[^ \t]*[ \t]*/, "", reason)
        skip = (reason ~ /^not-run/); sub(/^not-run:?[ \t]*/, "", reason)
        if (lang == "python" || lang == "r") {
            snippet = sprintf("%s/%d.%s", snippets, NR, lang == "python" ? "py" : "R")
            printf "" > snippet
        }
        cmd = ""; next
    }
    /^```/ && inside {
        inside = 0
        if (lang == "python" || lang == "r") {
            close(snippet)
            what = lang " snippet, lines " (start + 1) "-" (NR - 1)
            if (skip) { printf "__skip %s %s\n", quote(file ":" (start + 1)), quote(what ": " reason) }
            else { locate(start + 1, what); printf "__%s %s\n", lang, quote(snippet) }
        }
        next
    }
    inside && (lang == "python" || lang == "r") { print > snippet; next }
    inside && lang == "sh" {
        if (cmd == "" && $0 ~ /^[ \t]*(#|$)/) next
        if (cmd == "") cmdline = NR
        cmd = cmd (cmd == "" ? "" : "\n") $0
        if ($0 ~ /\\$/) next
        if (skip) { printf "__skip %s %s\n", quote(file ":" cmdline), quote(cmd " (" reason ")") }
        else { locate(cmdline, cmd); print cmd }
        cmd = ""
    }
    ' "$2"
}

status=0
for file in "${files[@]}"; do
    [[ -f "$clone/$file" ]] || {
        echo "check_docs: $file is not in the clone" >&2
        exit 2
    }
    mkdir -p "$tmp/snippets/$file"
    script=$tmp/snippets/$file/run.sh
    {
        cat <<'EOF'
set -eE -o pipefail
__count=0
__fail() {
    local code=$?
    printf '\ncheck_docs: FAILED at %s (exit status %s):\n%s\n' "$__loc" "$code" "$__cmd" >&2
    exit 1
}
trap __fail ERR
__skip() { printf 'check_docs: skipped %s: %s\n' "$1" "$2" >&2; }
__python() {
    if [[ "${DOCS_SKIP_PYTHON:-}" == 1 ]]; then __skip "$__loc" "python snippet (DOCS_SKIP_PYTHON=1)"; return; fi
    MPLBACKEND=Agg "$__PYTHON" "$1"
}
__r() {
    if [[ "${DOCS_SKIP_R:-}" == 1 ]]; then __skip "$__loc" "R snippet (DOCS_SKIP_R=1)"; return; fi
    "$__RSCRIPT" "$1"
}
EOF
        generate "$file" "$clone/$file" "$tmp/snippets/$file"
        echo 'printf "%s commands and snippets ran\n" "$__count"'
    } >"$script"
    log=$tmp/snippets/$file/log
    start=$SECONDS
    if (cd "$clone" && PATH="$tmp/shim:$PATH" __PYTHON="$python" __RSCRIPT="$rscript" \
        bash "$script" >"$log" 2>&1); then
        grep '^check_docs: skipped' "$log" || true
        echo "check_docs: $file: $(tail -n 1 "$log") in $((SECONDS - start)) s"
    else
        echo "check_docs: $file: the last lines it printed:" >&2
        sed '/^check_docs: FAILED/,$d' "$log" | tail -n 40 | sed 's/^/    /' >&2
        sed -n '/^check_docs: FAILED/,$p' "$log" >&2
        status=1
        break
    fi
done

if ((status == 0)); then
    stray=$(git -C "$clone" diff --name-only && git -C "$clone" ls-files --others --exclude-standard)
    if [[ -n "$stray" ]]; then
        echo "check_docs: FAILED: the docs' commands wrote or changed files outside results/:" >&2
        echo "$stray" | sed 's/^/    /' >&2
        status=1
    fi
fi
exit "$status"
