#!/usr/bin/env bash
# The README's promise, checked: a fresh clone builds and tests with the README's two commands
# alone, and reads nothing outside the clone.
#
#   scripts/fresh_clone_check.sh            # clones this repository's HEAD (committed state)
#   scripts/fresh_clone_check.sh --keep     # keeps the temporary folder for inspection
#
# What it does:
# 1. clones the committed HEAD into an empty temporary folder, under a directory layout unlike
#    the development one (the clone is called `clone`, two levels below the temporary root);
# 2. plants decoys next to the clone and above it: `shared/`, `reference/` and `data/` trees
#    holding the files this project uses (seeds_tf.json, tf_refs.json, peers_cpu.json,
#    california_housing.csv), with poisoned contents and an access time in the year 2000;
# 3. runs the commands of the README's "Quick start" block from the clone's root, with a
#    fresh CARGO_TARGET_DIR, timing each;
# 4. fails if a command fails, or if any decoy was read: the file system is mounted `relatime`,
#    which updates an access time older than a day on every read (the script first checks that
#    this works here, and refuses to give a verdict on reads if it does not). A read that
#    a decoy does not catch still fails the run when it finds nothing, since nothing else of
#    the project exists outside the clone.
#
# Dependencies come from the usual cargo registry cache (CARGO_HOME); with an empty cache they
# are downloaded, as on a new machine.
set -euo pipefail

keep=0
[[ "${1:-}" == "--keep" ]] && keep=1

repo="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
root="$(mktemp -d "${TMPDIR:-/tmp}/autodiff-fresh.XXXXXX")"
cleanup() { if [[ $keep == 0 ]]; then rm -rf "$root"; else echo "kept $root"; fi; }
trap cleanup EXIT

outer="$root/outer"
parent="$outer/inner"
clone="$parent/clone"
mkdir -p "$parent"

# --- the README's commands (FRESH_CLONE_COMMANDS, one per line, replaces them: for testing the
# check itself, e.g. FRESH_CLONE_COMMANDS='cat ../shared/reference/seeds_tf.json' must fail) ------
if [[ -n "${FRESH_CLONE_COMMANDS:-}" ]]; then
    mapfile -t commands <<<"$FRESH_CLONE_COMMANDS"
else
    mapfile -t commands < <(awk '
        /^## Quick start/ { section = 1; next }
        section && /^## / { exit }
        section && /^```sh/ { block = 1; next }
        section && block && /^```/ { exit }
        section && block && NF { print }
    ' "$repo/README.md")
fi
if [[ ${#commands[@]} -eq 0 ]]; then
    echo "README.md has no \`\`\`sh block under \"## Quick start\"" >&2
    exit 1
fi

# --- decoys ------------------------------------------------------------------------------------
decoys=()
# A token unique to this run (the script's own text, inside the clone, does not contain it).
token="decoy-$$-$(date +%s%N)"
plant() { # $1 = directory to plant in
    local d="$1" f
    for f in shared/reference/seeds_tf.json shared/reference/tf_refs.json \
        shared/reference/peers_cpu.json shared/data/california_housing.csv \
        shared/california_housing.csv reference/seeds_tf.json reference/tf_refs.json \
        reference/peers_cpu.json data/california_housing.csv; do
        mkdir -p "$(dirname "$d/$f")"
        printf '%s: the project read %s outside its clone\n' "$token" "$d/$f" >"$d/$f"
        touch -a -d '2000-01-01 00:00:00' "$d/$f"
        decoys+=("$d/$f")
    done
}
plant "$parent"
plant "$outer"
plant "$root"

atime() { stat -c %X "$1"; }
probe="$root/atime-probe"
echo probe >"$probe"
touch -a -d '2000-01-01 00:00:00' "$probe"
before=$(atime "$probe")
cat "$probe" >/dev/null
if [[ $(atime "$probe") == "$before" ]]; then
    echo "access times are not updated on this file system (noatime?): cannot detect reads" >&2
    exit 1
fi
declare -A stamp
for d in "${decoys[@]}"; do stamp["$d"]=$(atime "$d"); done

# --- clone and run -----------------------------------------------------------------------------
git clone --quiet --no-hardlinks "$repo" "$clone"
echo "cloned $(git -C "$clone" rev-parse --short HEAD) into $clone"
export CARGO_TARGET_DIR="$root/target"
export CARGO_TERM_COLOR=never
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

status=0
for cmd in "${commands[@]}"; do
    echo
    echo "==> $cmd"
    start=$(date +%s.%N)
    if (cd "$clone" && bash -c "$cmd") >"$root/last.log" 2>&1; then
        result=ok
    else
        result=FAILED
        status=1
        tail -40 "$root/last.log"
    fi
    end=$(date +%s.%N)
    printf '==> %s in %s s (load average now %s): %s\n' "$result" \
        "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')" \
        "$(cut -d' ' -f1-3 /proc/loadavg)" "$cmd"
    { grep -E '^test result:' "$root/last.log" || true; } | awk '
        { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed;?$/) p += $(i-1); if ($(i) ~ /^failed;?$/) f += $(i-1) } }
        END { if (NR) printf "    %d test binaries: %d passed, %d failed\n", NR, p, f }'
done

# --- verdict on reads --------------------------------------------------------------------------
read_outside=0
for d in "${decoys[@]}"; do
    if [[ $(atime "$d") != "${stamp[$d]}" ]]; then
        echo "READ OUTSIDE THE CLONE: $d" >&2
        read_outside=1
    fi
done
if grep -rlq --binary-files=text "$token" "$clone" "$CARGO_TARGET_DIR" 2>/dev/null; then
    echo "a decoy's contents ended up inside the clone or its build output" >&2
    read_outside=1
fi

echo
if [[ $status == 0 && $read_outside == 0 ]]; then
    echo "fresh clone check passed: the README's commands succeeded, no decoy outside the clone was read"
else
    echo "fresh clone check FAILED" >&2
    exit 1
fi
