#!/usr/bin/env bash
# Diff at scale: `henko diff` against `git diff` on the same synthetic store.
#
# Usage: benches/scale.sh [DEVICES]        (default 10000)
# Env:   WORK=DIR    where the store goes (default: a new temp folder, kept)
#        HENKO=PATH  the henko binary (default: target/release/henko, built
#                    with `cargo build --release` when missing)
#        RUNS=N      timed runs per command, the median is reported (default 3)
#
# The store (benches/gen_store.py) holds three snapshots of DEVICES devices,
# half IOS, half FortiOS, ~1,200 lines each: A, B5 (5% of devices changed)
# and B100 (every device changed). For B5 and B100 the script times
#   git  -C store diff A B            > /dev/null
#   henko --repo store diff A B --format json > /dev/null
# after one warm-up run each, and reports wall time and peak RSS. For B5 it
# then times `henko plan` with and without the shipped rule scripts, to show
# what the scripts add (issue 4: at most 2x the diff's time).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
devices="${1:-10000}"
runs="${RUNS:-3}"
work="${WORK:-$(mktemp -d -t henko-scale.XXXXXX)}"
henko="${HENKO:-$root/target/release/henko}"

if [ ! -x "$henko" ]; then
    (cd "$root" && cargo build --release --quiet)
fi

store="$work/store"
if [ ! -d "$store" ]; then
    echo "generating $devices devices into $store ..." >&2
    git init --quiet --bare "$store"
    start=$(date +%s)
    python3 "$here/gen_store.py" "$devices" | git -C "$store" fast-import --quiet --done
    echo "generated in $(( $(date +%s) - start ))s, $(du -sh "$store" | cut -f1) on disk" >&2
fi

# Runs a command RUNS times (stdout to /dev/null) and prints
# "median_seconds peak_rss_mib" measured by the kernel for the child.
measure() {
    python3 - "$runs" "$@" <<'PY'
import resource, statistics, subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)  # warm-up
times, peak = [], 0
for _ in range(runs):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    times.append(time.perf_counter() - t)
    peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(f"{statistics.median(times):.3f} {peak / 1024:.0f}")
PY
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "devices: $devices, runs: $runs (median), henko: $("$henko" --version)"
printf '%-8s %10s %10s %10s %12s %12s\n' "diff" "git s" "henko s" "ratio" "git MiB" "henko MiB"
for target in B5 B100; do
    read -r git_s git_mb < <(measure git -C "$store" diff A "$target")
    read -r henko_s henko_mb < <(measure "$henko" --repo "$store" diff A "$target" --format json)
    ratio=$(python3 -c "print(f'{$henko_s / $git_s:.2f}x')")
    printf '%-8s %10s %10s %10s %12s %12s\n' "A..$target" "$git_s" "$henko_s" "$ratio" "$git_mb" "$henko_mb"
done

# The rule library's share: the same plan with and without the shipped
# scripts; the difference is what the scripts add, set against the diff.
printf '\n%-8s %12s %14s %12s %16s\n' "plan" "plan s" "no-scripts s" "scripts s" "scripts / diff"
for target in B5; do
    read -r diff_s _ < <(measure "$henko" --repo "$store" diff A "$target" --format json)
    read -r plan_s _ < <(measure "$henko" --repo "$store" plan A "$target" --format json)
    read -r bare_s _ < <(measure "$henko" --repo "$store" plan A "$target" --format json --no-default-scripts)
    read -r scripts_s share < <(python3 -c "d=$plan_s-$bare_s; print(f'{max(d,0):.3f} {max(d,0)/$diff_s:.2f}x')")
    printf '%-8s %12s %14s %12s %16s\n' "A..$target" "$plan_s" "$bare_s" "$scripts_s" "$share"
done
echo "store kept at $store" >&2
