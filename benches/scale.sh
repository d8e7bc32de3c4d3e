#!/usr/bin/env bash
# Every speed target of issue 12 in one run, on one synthetic store.
#
# Usage: benches/scale.sh [DEVICES]        (default 10000)
# Env:   WORK=DIR    where the store and the IOS pair go (default: a new
#                    temp folder; kept, and reused when run again)
#        HENKO=PATH  the henko binary (default: target/release/henko, built
#                    with `cargo build --release` when missing)
#        RUNS=N      timed runs per command, the median is reported (default 3)
#
# The store (benches/gen_store.py) holds three snapshots of DEVICES devices,
# half IOS, half FortiOS, ~1,200 lines each: A, B5 (5% of devices changed)
# and B100 (every device changed). The run prints, each after one warm-up:
#
#   1. diff:  `git diff A B` against `henko diff A B --format json`, for B5
#             and B100 (targets: henko <= 1.5x git at 5%, <= 1.0x at 100%;
#             peak memory < 1 GiB);
#   2. plan:  `henko plan A B5` with and without the shipped rules, against
#             `henko diff A B5` (target: plan <= 2x diff);
#   3. pair:  a 12,000-line IOS running/intended pair (benches/ios_pair.py):
#             `henko plan running.cfg intended.cfg` as a whole process,
#             with and without the shipped rules, against hier_config 4's
#             in-process parse + remediation + rollback of the same pair
#             (benches/hier_config_bench.py; `pip install --pre hier-config`)
#             (targets: <= 0.5x without rules, <= 1.0x with them).
#
# Wall times are medians; CPU is user + sys of the child (median), which is
# the steadier figure on a shared machine. Ratios are of wall times.
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
pair="$work/ios-pair"
if [ ! -f "$pair/intended.cfg" ]; then
    python3 "$here/ios_pair.py" "$pair" 12000
fi

# Runs a command RUNS times (stdout to /dev/null) after one warm-up and
# prints "median_wall_s median_cpu_s peak_rss_mib", measured by the kernel
# for the child.
measure() {
    python3 - "$runs" "$@" <<'PY'
import resource, statistics, subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)  # warm-up
walls, cpus, peak = [], [], 0
for _ in range(runs):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    walls.append(time.perf_counter() - t)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    peak = max(peak, after.ru_maxrss)
print(f"{statistics.median(walls):.3f} {statistics.median(cpus):.3f} {peak / 1024:.0f}")
PY
}

ratio() { python3 -c "print(f'{$1 / $2:.2f}x')"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "devices: $devices, runs: $runs (median), henko: $("$henko" --version), $(git --version)"

echo
echo "1. diff (targets: A..B5 <= 1.5x git, A..B100 <= 1.0x git, peak < 1024 MiB)"
printf '%-8s %8s %8s %7s %8s %9s %9s %8s %9s\n' \
    "diff" "git s" "henko s" "ratio" "git cpu" "henko cpu" "cpu ratio" "git MiB" "henko MiB"
for target in B5 B100; do
    read -r git_s git_cpu git_mb < <(measure git -C "$store" diff A "$target")
    read -r henko_s henko_cpu henko_mb < <(measure "$henko" --repo "$store" diff A "$target" --format json)
    printf '%-8s %8s %8s %7s %8s %9s %9s %8s %9s\n' "A..$target" "$git_s" "$henko_s" \
        "$(ratio "$henko_s" "$git_s")" "$git_cpu" "$henko_cpu" "$(ratio "$henko_cpu" "$git_cpu")" \
        "$git_mb" "$henko_mb"
    if [ "$target" = B5 ]; then diff5_s=$henko_s; fi
done

echo
echo "2. plan A..B5 (target: plan <= 2x diff)"
printf '%-22s %8s %8s %9s %9s\n' "command" "wall s" "cpu s" "peak MiB" "/ diff"
read -r plan_s plan_cpu plan_mb < <(measure "$henko" --repo "$store" plan A B5 --format json)
read -r bare_s bare_cpu bare_mb < <(measure "$henko" --repo "$store" plan A B5 --format json --no-default-scripts)
printf '%-22s %8s %8s %9s %9s\n' "henko diff" "$diff5_s" "" "" "1.00x"
printf '%-22s %8s %8s %9s %9s\n' "henko plan" "$plan_s" "$plan_cpu" "$plan_mb" "$(ratio "$plan_s" "$diff5_s")"
printf '%-22s %8s %8s %9s %9s\n' "plan, no rules" "$bare_s" "$bare_cpu" "$bare_mb" "$(ratio "$bare_s" "$diff5_s")"

echo
echo "3. 12,000-line IOS pair (targets: plan without rules <= 0.5x hier_config, with rules <= 1.0x)"
lines=$(cat "$pair/running.cfg" "$pair/intended.cfg" | wc -l)
read -r hc_s hc_cpu hc_apply hc_back hc_version < <(python3 "$here/hier_config_bench.py" \
    "$pair/running.cfg" "$pair/intended.cfg" "$(( runs * 3 ))")
plan_pair() {
    measure "$henko" plan "$pair/running.cfg" "$pair/intended.cfg" --platform ios --format json "$@"
}
read -r pair_bare_s pair_bare_cpu _ < <(plan_pair --no-default-scripts)
read -r pair_s pair_cpu _ < <(plan_pair)
printf '%-36s %8s %8s %10s\n' "command ($lines lines, both sides)" "wall s" "cpu s" "/ hier"
if [ "$hc_s" = unavailable ]; then
    echo "hier_config: unavailable ($hc_cpu $hc_apply $hc_back $hc_version)"
    hc_ratio() { echo "-"; }
else
    printf '%-36s %8s %8s %10s\n' "hier_config $hc_version (in process)" "$hc_s" "$hc_cpu" "1.00x"
    hc_ratio() { ratio "$1" "$hc_s"; }
fi
printf '%-36s %8s %8s %10s\n' "henko plan, no rules (process)" "$pair_bare_s" "$pair_bare_cpu" "$(hc_ratio "$pair_bare_s")"
printf '%-36s %8s %8s %10s\n' "henko plan, shipped rules (process)" "$pair_s" "$pair_cpu" "$(hc_ratio "$pair_s")"
echo "store kept at $store, pair at $pair" >&2
