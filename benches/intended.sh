#!/usr/bin/env bash
# Render and compliance at scale, against `henko diff` of the same store.
#
# Usage: benches/intended.sh [DEVICES]     (default 10000)
# Env:   WORK=DIR    where the folders go (default: a new temp folder, kept)
#        HENKO=PATH  the henko binary (default: target/release/henko, built
#                    with `cargo build --release` when missing)
#        RUNS=N      timed runs per command, the median is reported (default 3)
#
# benches/gen_intended.py writes A (DEVICES IOS switches whose VLANs and SVIs
# match sheets/vlans.csv through two templates; ~500 lines each) and B (the
# same with 5% of the devices changed). The script times
#   henko diff A B --format json     the baseline (issue 10: compliance ≤ 1.5×)
#   henko render A -o OUT            every device rendered and written
#   henko compliance B --format json every device held against its rendering
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
devices="${1:-10000}"
runs="${RUNS:-3}"
work="${WORK:-$(mktemp -d -t henko-intended.XXXXXX)}"
henko="${HENKO:-$root/target/release/henko}"

if [ ! -x "$henko" ]; then
    (cd "$root" && cargo build --release --quiet)
fi
if [ ! -d "$work/A" ]; then
    echo "generating $devices devices into $work ..." >&2
    python3 "$here/gen_intended.py" "$devices" "$work"
fi

measure() {
    python3 - "$runs" "$@" <<'PY'
import resource, statistics, subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
ok = (0, 1)  # compliance exits 1 when devices differ
subprocess.run(cmd, stdout=subprocess.DEVNULL)  # warm-up
times, peak = [], 0
for _ in range(runs):
    t = time.perf_counter()
    code = subprocess.run(cmd, stdout=subprocess.DEVNULL).returncode
    times.append(time.perf_counter() - t)
    assert code in ok, f"{cmd}: exit {code}"
    peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(f"{statistics.median(times):.3f} {peak / 1024:.0f}")
PY
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "devices: $devices, runs: $runs (median), henko: $("$henko" --version)"
read -r diff_s diff_mib < <(measure "$henko" diff "$work/A" "$work/B" --format json)
read -r render_s render_mib < <(measure "$henko" render "$work/A" -o "$work/out")
read -r comp_s comp_mib < <(measure "$henko" compliance "$work/B" --format json)
printf '%-28s %8s %8s\n' "command" "s" "MiB"
printf '%-28s %8s %8s\n' "diff A B (5% changed)" "$diff_s" "$diff_mib"
printf '%-28s %8s %8s\n' "render A -o OUT" "$render_s" "$render_mib"
printf '%-28s %8s %8s\n' "compliance B" "$comp_s" "$comp_mib"
python3 -c "print(f'compliance / diff: {$comp_s / $diff_s:.2f}x (goal <= 1.5x)')"
