#!/usr/bin/env python3
"""Writes a large Cisco IOS running/intended pair for remediation benches.

Usage: ios_pair.py OUTDIR [LINES]      (default about 12,000 lines per side)

OUTDIR gets `running.cfg` and `intended.cfg`: a campus core switch with
VLANs, access and routed interfaces, extended ACLs, prefix lists,
route maps, BGP neighbours and the usual management lines. The intended
side changes what a real change window changes: interface descriptions,
a few ports shut or moved to another VLAN, VLANs added and removed, ACL
entries added and removed, BGP neighbours added and removed, an NTP and a
logging server replaced, a prefix-list entry edited. Output is
deterministic (fixed seed). Standard library only.
"""

import os
import random
import sys


def config(lines_wanted, intended):
    """Returns one side of the pair as a list of lines."""
    rnd = random.Random(12000)
    # Sized so the whole file comes to about `lines_wanted` lines.
    scale = max(lines_wanted, 1000) / 12000
    ports = int(680 * scale)
    vlans = int(1000 * scale)
    acl_entries = int(3000 * scale)
    peers = int(220 * scale)
    out = [
        "!",
        "version 17.9",
        "service timestamps debug datetime msec",
        "service timestamps log datetime msec",
        "service password-encryption",
        "hostname core-sw-01",
        "!",
        "aaa new-model",
        "ip domain name example.net",
        "ip routing",
        "!",
    ]
    for vlan in range(100, 100 + vlans):
        if intended and vlan % 97 == 0:
            continue  # VLANs retired
        out += [f"vlan {vlan}", f" name SEG-{vlan}"]
    if intended:
        for vlan in range(3000, 3010):
            out += [f"vlan {vlan}", f" name NEW-{vlan}"]
    out.append("!")
    for port in range(ports):
        slot, num = divmod(port, 48)
        desc = f"access port {port} rack {rnd.randint(1, 40)}"
        if intended and port % 23 == 0:
            desc = f"access port {port} moved to rack {port % 40 + 1}"
        vlan = 100 + port % vlans
        if intended and port % 31 == 0:
            vlan = 100 + (port + 7) % vlans
        out += [
            f"interface GigabitEthernet{slot + 1}/0/{num + 1}",
            f" description {desc}",
            " switchport mode access",
            f" switchport access vlan {vlan}",
            " spanning-tree portfast",
            " storm-control broadcast level 1.00",
        ]
        if intended and port % 53 == 0:
            out.append(" shutdown")
        out.append("!")
    for svi in range(100, 100 + vlans // 4):
        out += [
            f"interface Vlan{svi}",
            f" description SVI {svi}",
            f" ip address 10.{svi // 250}.{svi % 250}.1 255.255.255.0",
            " ip helper-address 10.255.0.10",
            "!",
        ]
    out.append("ip access-list extended EDGE-IN")
    for seq in range(10, 10 * (acl_entries + 1), 10):
        if intended and seq % 1370 == 0:
            continue  # entries removed
        out.append(
            f" {seq} permit tcp 10.{seq % 250}.{seq // 250 % 250}.0 0.0.0.255 any eq {1024 + seq % 5000}"
        )
        if intended and seq % 910 == 0:
            out.append(f" {seq + 5} permit udp host 192.0.2.{seq % 250} any eq 514")
    out.append(" 999990 deny ip any any log")
    out.append("!")
    for entry in range(5, 5 * 200 + 1, 5):
        prefix = f"172.{16 + entry % 16}.{entry % 250}.0/24"
        if intended and entry == 500:
            prefix = "172.31.250.0/24"
        out.append(f"ip prefix-list PL-CUSTOMERS seq {entry} permit {prefix}")
    out.append("!")
    for rm in range(20):
        out += [
            f"route-map RM-IN-{rm} permit 10",
            f" match ip address prefix-list PL-CUSTOMERS",
            f" set local-preference {100 + rm}",
            f"route-map RM-IN-{rm} deny 20",
            "!",
        ]
    out += ["router bgp 65001", " bgp router-id 10.255.255.1", " bgp log-neighbor-changes"]
    for peer in range(peers):
        if intended and peer % 41 == 0:
            continue  # neighbours removed
        address = f"100.64.{peer // 250}.{peer % 250 + 1}"
        out += [
            f" neighbor {address} remote-as {65100 + peer}",
            f" neighbor {address} description peer-{peer}",
            f" neighbor {address} route-map RM-IN-{peer % 20} in",
        ]
    if intended:
        for peer in range(3):
            address = f"100.127.0.{peer + 1}"
            out += [
                f" neighbor {address} remote-as 64999",
                f" neighbor {address} description new-peer-{peer}",
            ]
    out.append("!")
    ntp = ["10.0.0.1", "10.0.0.2"] + (["10.0.0.4"] if intended else ["10.0.0.3"])
    out += [f"ntp server {server}" for server in ntp]
    logging = ["10.1.0.1"] + (["10.1.0.3"] if intended else ["10.1.0.2"])
    out += [f"logging host {host}" for host in logging]
    out += [
        "snmp-server community ops-ro RO",
        "snmp-server location dc1-row4",
        "line vty 0 15",
        " transport input ssh",
        "end",
    ]
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: ios_pair.py OUTDIR [LINES]")
    outdir = sys.argv[1]
    lines = int(sys.argv[2]) if len(sys.argv) > 2 else 12000
    os.makedirs(outdir, exist_ok=True)
    for name, intended in (("running.cfg", False), ("intended.cfg", True)):
        with open(os.path.join(outdir, name), "w") as f:
            f.write("\n".join(config(lines, intended)) + "\n")


if __name__ == "__main__":
    main()
