#!/usr/bin/env bash
# `henko snapshot` of a folder of FILES configurations (benches/gen_folder.py)
# into a fresh store: the first snapshot, an unchanged re-run, then with 3
# and with 500 files changed; and, for comparison, `git hash-object -w
# --stdin-paths` of the same files into a fresh repository.
#
# Usage: benches/snapshot.sh [FILES]        (default 10000)
# Env:   WORK=DIR    where the folder and the stores go (default: a new temp
#                    folder; the folder is reused when run again)
#        HENKO=PATH  the henko binary (default: target/release/henko, built
#                    with `cargo build --release` when missing)
#
# Each row is one run: wall seconds, CPU seconds (user + sys) and peak RSS
# of the child, measured by the kernel.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
files="${1:-10000}"
work="${WORK:-$(mktemp -d -t henko-snapshot.XXXXXX)}"
henko="${HENKO:-$root/target/release/henko}"

if [ ! -x "$henko" ]; then
    (cd "$root" && cargo build --release --quiet)
fi

folder="$work/folder"
if [ ! -d "$folder/configs" ]; then
    python3 "$here/gen_folder.py" "$folder" "$files"
fi
rm -rf "$work/store" "$work/git"
"$henko" init "$work/store" > /dev/null

# Runs a command once and prints "wall_s cpu_s peak_rss_mib".
measure() { python3 "$here/measure_once.py" "$@"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "files: $files, $(du -sh "$folder" | cut -f1), henko: $("$henko" --version)"
printf '%-34s %8s %8s %9s\n' "run" "wall s" "cpu s" "peak MiB"
snapshot() { measure "$henko" --repo "$work/store" snapshot "$folder"; }
printf '%-34s %8s %8s %9s\n' "first snapshot" $(snapshot)
printf '%-34s %8s %8s %9s\n' "unchanged re-run (no commit)" $(snapshot)
python3 "$here/gen_folder.py" "$folder" --touch 3
printf '%-34s %8s %8s %9s\n' "3 files changed" $(snapshot)
python3 "$here/gen_folder.py" "$folder" --touch 500
printf '%-34s %8s %8s %9s\n' "500 files changed" $(snapshot)
git init --quiet "$work/git"
hash_all() { find "$folder/configs" -type f | git -C "$work/git" hash-object -w --stdin-paths; }
export -f hash_all
export folder work
printf '%-34s %8s %8s %9s\n' "git hash-object -w --stdin-paths" $(measure bash -c hash_all)
echo "store: $(du -sh "$work/store" | cut -f1) at $work/store" >&2
