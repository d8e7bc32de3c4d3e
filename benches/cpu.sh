#!/usr/bin/env bash
# Single runs (no warm-up, no median) of the commands whose CPU time the
# scale figures in benches/README.md quote, on a store made by scale.sh:
# diff A..B5 and A..B100 (henko and git), henko diff A..B100 with 1 and 2
# threads, per dialect half (`--device 'sw*'` IOS, `'fw*'` FortiOS, 1
# thread), and plan A..B5 with and without the shipped rules.
#
# Usage: benches/cpu.sh STORE
# Env:   HENKO=PATH  the henko binary (default: target/release/henko)
#
# Each row: wall seconds, CPU seconds (user + sys), peak RSS of the child.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
store="${1:?usage: benches/cpu.sh STORE (made by benches/scale.sh)}"
henko="${HENKO:-$root/target/release/henko}"

measure() { python3 "$here/measure_once.py" "$@"; }

row() {
    local label="$1"
    shift
    printf '%-52s %8s %8s %9s\n' "$label" $(measure "$@")
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), henko: $("$henko" --version)"
printf '%-52s %8s %8s %9s\n' "command" "wall s" "cpu s" "peak MiB"
for target in B5 B100; do
    row "git diff A $target" git -C "$store" diff A "$target"
    row "henko diff A $target" "$henko" --repo "$store" diff A "$target" --format json
done
for threads in 1 2; do
    row "henko diff A B100 --threads $threads" \
        "$henko" --repo "$store" diff A B100 --format json --threads "$threads"
done
row "henko diff A B100 --device 'sw*' (IOS), 1 thread" \
    "$henko" --repo "$store" diff A B100 --format json --device 'sw*' --threads 1
row "henko diff A B100 --device 'fw*' (FortiOS), 1 thread" \
    "$henko" --repo "$store" diff A B100 --format json --device 'fw*' --threads 1
row "henko plan A B5" "$henko" --repo "$store" plan A B5 --format json
row "henko plan A B5 --no-default-scripts" \
    "$henko" --repo "$store" plan A B5 --format json --no-default-scripts
