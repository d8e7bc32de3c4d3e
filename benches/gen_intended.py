#!/usr/bin/env python3
"""Writes two folder snapshots of N templated switches for benches/intended.sh.

Usage: gen_intended.py DEVICES OUT

OUT/A: backups that match their rendering (VLANs and SVIs from
sheets/vlans.csv, 60 rows; ~260 lines per device, plus 48 access ports
outside every scope), templates, inventory.
OUT/B: the same with 5% of the devices changed (one VLAN renamed, one SVI
address changed) — the diff baseline, and in compliance the drifted share.
"""

import os
import sys

N = int(sys.argv[1])
OUT = sys.argv[2]
VLANS = [(100 + i, f"SEG{i:02d}", f"10.{i}.0.0/24", f"10.{i}.0.1") for i in range(60)]

FEATURES = """templates:
  - name: vlans
    file: vlans.j2
    platform: [ios]
    scope: ["vlan *"]
  - name: svis
    file: svis.j2
    platform: [ios]
    scope: ["interface Vlan*"]
"""
VLANS_J2 = """{% for r in sheets.vlans %}
vlan {{ r['VLAN ID'] }}
 name {{ r['名前'] }}
{% endfor %}
"""
SVIS_J2 = """{% for r in sheets.vlans %}
interface Vlan{{ r['VLAN ID'] }}
 description {{ device.name }}-{{ r['名前'] }}
 ip address {{ r['サブネット'] | nthhost(device.vars.host) }} {{ r['サブネット'] | netmask }}
{% endfor %}
"""


def config(name, host, changed):
    out = [f"hostname {name}", "!"]
    for i in range(1, 49):
        out += [f"interface GigabitEthernet1/0/{i}", f" description port {i}",
                " switchport access vlan 100", "!"]
    for n, (vid, vname, subnet, _) in enumerate(VLANS):
        if changed and n == 7:
            vname += "-OLD"
        out += [f"vlan {vid}", f" name {vname}", "!"]
    for n, (vid, vname, subnet, _) in enumerate(VLANS):
        base = subnet.split("/")[0].rsplit(".", 1)[0]
        h = host + 1 if changed and n == 3 else host
        out += [f"interface Vlan{vid}", f" description {name}-{vname}",
                f" ip address {base}.{h} 255.255.255.0", "!"]
    return "\n".join(out) + "\n"


def write(folder, changed_every):
    os.makedirs(f"{folder}/configs", exist_ok=True)
    os.makedirs(f"{folder}/templates", exist_ok=True)
    os.makedirs(f"{folder}/sheets", exist_ok=True)
    inv = ["devices:"]
    for i in range(N):
        name = f"sw{i:05d}"
        host = 2 + i % 250
        inv += [f"  - name: {name}", "    kind: switch", "    platform: ios",
                f"    site: site{i % 10}", f"    config: configs/{name}.cfg",
                f"    vars: {{host: {host}}}"]
        changed = changed_every and i % changed_every == 0
        with open(f"{folder}/configs/{name}.cfg", "w") as f:
            f.write(config(name, host, changed))
    with open(f"{folder}/inventory.yaml", "w") as f:
        f.write("\n".join(inv) + "\n")
    for rel, text in (("templates/templates.yaml", FEATURES), ("templates/vlans.j2", VLANS_J2),
                      ("templates/svis.j2", SVIS_J2)):
        with open(f"{folder}/{rel}", "w") as f:
            f.write(text)
    with open(f"{folder}/sheets/vlans.csv", "w") as f:
        f.write("VLAN ID,名前,サブネット,ゲートウェイ\n")
        for row in VLANS:
            f.write(",".join(map(str, row)) + "\n")


write(f"{OUT}/A", 0)
write(f"{OUT}/B", 20)
