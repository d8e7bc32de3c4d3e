#!/bin/sh
# Copies seed inputs into fuzz/corpus/<target>/ (gitignored) from the demo
# snapshots and the public corpus ($HENKO_CORPUS, default ../shared/corpus
# relative to the crate root). Run from anywhere; safe to re-run.
# Usage: fuzz/seed.sh [TARGET...]   (default: every target)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
demo="$root/snapshots/demo"
corpus=${HENKO_CORPUS:-"$root/../shared/corpus"}
out="$here/corpus"

# seed TARGET FILE...: copies each regular file under 1 MB into the target's corpus.
seed() {
    target=$1; shift
    mkdir -p "$out/$target"
    for f in "$@"; do
        [ -f "$f" ] || continue
        [ "$(wc -c < "$f")" -le 1048576 ] || continue
        name=$(printf '%s' "$f" | sed "s|^$corpus/|corpus/|; s|^$root/||; s|/|__|g")
        cp "$f" "$out/$target/$name"
    done
}

# files DIR [PATTERN...]: regular files under DIR (every one, or those whose
# names match one of the find patterns), one per line, sorted.
files() {
    dir=$1; shift
    [ -d "$dir" ] || return 0
    if [ $# -eq 0 ]; then
        find "$dir" -type f | sort
        return
    fi
    first=$1; shift
    for p in "$@"; do set -- "$@" -o -name "$p"; shift; done
    find "$dir" -type f \( -name "$first" "$@" \) | sort
}

# pair TARGET PREFIX A B: one input "PREFIX A (PREFIX: a printf octal escape) \n===\n B" for the two-tree targets.
pair() {
    target=$1; prefix=$2; a=$3; b=$4
    mkdir -p "$out/$target"
    name=$(basename "$(dirname "$(dirname "$a")")")-$(basename "$a")
    { printf "$prefix"; cat "$a"; printf '\n===\n'; cat "$b"; } > "$out/$target/$name"
}

if [ ! -d "$corpus" ]; then
    echo "notice: no corpus at $corpus; seeding from the demo only" >&2
    corpus=/nonexistent
fi

targets=${*:-"parse_ios parse_fortios parse_junos parse_panos_xml parse_yaml parse_json parse_ini parse_csv parse_xlsx inventory diff_trees remediate"}
for t in $targets; do
    case $t in
        parse_ios) seed $t $(files "$demo" '*.cfg') $(for d in cisco_ios cisco_nxos cisco_asa arista_eos a10_acos; do files "$corpus/$d"; done) ;;
        parse_fortios) seed $t $(files "$demo" '*.conf' | grep -v -e sshd -e sysctl) $(files "$corpus/fortinet_fortios") ;;
        parse_junos) seed $t $(files "$demo" '*.set') $(files "$corpus/juniper_junos") ;;
        parse_panos_xml) seed $t $(files "$demo" '*.xml') $(files "$corpus/paloalto_panos") ;;
        parse_yaml) seed $t $(files "$demo" '*.yaml' '*.yml') ;;
        parse_json) mkdir -p "$out/$t"; printf '{"vm": {"name": "web01", "cpus": 4, "disks": [{"size": 40}, null, true]}}\n' > "$out/$t/minimal.json"; seed $t $(files "$demo" '*.json') $(files "$corpus" '*.json') ;;
        parse_ini) seed $t $(files "$demo" '*sshd.conf' '*sysctl.conf' '*.ini') $(files "$corpus/linux") ;;
        parse_csv) seed $t $(files "$demo" '*.csv') ;;
        parse_xlsx) seed $t $(files "$demo" '*.xlsx') ;;
        inventory) seed $t $(files "$demo" 'inventory.yaml') ;;
        diff_trees|remediate)
            # FROM/TO pairs: the same file in consecutive demo snapshots.
            set -- $(ls -d "$demo"/*/ 2>/dev/null | sort)
            while [ $# -ge 2 ]; do
                for a in $(files "$1configs" '*.cfg' '*.conf' '*.set'); do
                    b="$2configs/$(basename "$a")"
                    [ -f "$b" ] || continue
                    case $a in
                        *.cfg) p='\000' ;; *sshd.conf|*sysctl.conf) continue ;; *.conf) p='\001' ;; *.set) p='\002' ;;
                    esac
                    # Byte 0 picks the dialect (diff_trees: Dialect::ALL order)
                    # or platform (remediate): 0 ios, 1 fortios, 2 junos in both.
                    pair $t "$p" "$a" "$b"
                done
                shift
            done ;;
        *) echo "unknown target: $t" >&2; exit 2 ;;
    esac
    echo "$t: $(ls -A "$out/$t" 2>/dev/null | wc -l) seeds"
done
