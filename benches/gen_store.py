#!/usr/bin/env python3
"""Writes a `git fast-import` stream for a synthetic henko store.

Usage: gen_store.py DEVICES [CHANGED_PERCENT] | git -C STORE fast-import

The store gets three snapshots, each the full inventory of DEVICES devices
(half Cisco IOS, half FortiOS, about 1,200 lines each) plus inventory.yaml:

  refs/tags/A     the base snapshot
  refs/tags/B5    A with CHANGED_PERCENT (default 5) percent of devices changed
  refs/tags/B100  A with every device changed

A changed device gets what a nightly backup of a real change looks like: a
new interface description, a moved NTP server, a new ACL / policy entry, and
an address object changed. Output is deterministic (fixed seed). Standard
library only.
"""

import random
import sys

SEED = 20240102
DATE = "1704164645 +0000"


def ios_config(name, index, variant):
    """Returns an IOS configuration of about 1,200 lines."""
    rnd = random.Random(index)
    out = [
        "!",
        "! Last configuration change at 03:04:05 UTC Tue Jan 2 2024",
        "!",
        "version 17.6",
        "service timestamps debug datetime msec",
        "service password-encryption",
        f"hostname {name}",
        "!",
        "enable secret 9 $9$" + "%016x" % rnd.getrandbits(64),
        f"username admin privilege 15 secret 9 $9${rnd.getrandbits(64):016x}",
        "aaa new-model",
        "ip domain name example.net",
        "!",
    ]
    for vlan in range(100, 260):
        out += [f"vlan {vlan}", f" name VLAN-{vlan}-{index % 7}"]
    for port in range(1, 49):
        desc = f"user port {port}"
        if variant and port == 7:
            desc = f"user port {port} moved to rack {variant}"
        out += [
            f"interface GigabitEthernet1/0/{port}",
            f" description {desc}",
            " switchport mode access",
            f" switchport access vlan {100 + port % 100}",
            " spanning-tree portfast",
            " storm-control broadcast level 1.00",
            " no cdp enable",
            "!",
        ]
    out += [
        "interface Vlan10",
        f" ip address 10.{index // 250 % 250}.{index % 250}.1 255.255.255.0",
        "!",
        "ip access-list extended EDGE-IN",
    ]
    for entry in range(10, 1010, 10):
        out.append(f" {entry} permit tcp 10.{entry % 250}.0.0 0.0.255.255 any eq {1000 + entry}")
    if variant:
        out.append(f" 1015 permit tcp host 192.0.2.{variant % 250} any eq 8443")
    out.append(" 1020 deny ip any any log")
    out.append("ip access-list extended MGMT")
    for entry in range(10, 1610, 10):
        out.append(f" {entry} permit ip 172.16.{entry % 250}.0 0.0.0.255 any")
    out += ["!", "router bgp 65001", f" bgp router-id 10.255.{index // 250 % 250}.{index % 250}"]
    for peer in range(40):
        out += [
            f" neighbor 100.64.{peer}.1 remote-as {65100 + peer}",
            f" neighbor 100.64.{peer}.1 description peer-{peer}",
            f" neighbor 100.64.{peer}.1 route-map RM-IN-{peer % 4} in",
        ]
    out.append("!")
    for route in range(60):
        out.append(f"ip route 192.168.{route}.0 255.255.255.0 10.0.{route % 4}.254")
    ntp = "10.0.0.2" if variant else "10.0.0.1"
    out += [
        f"ntp server {ntp}",
        "ntp server 10.0.0.3",
        "logging host 10.0.1.10",
        "snmp-server location DC1",
        "line vty 0 4",
        " exec-timeout 10 0",
        " transport input ssh",
        "end",
    ]
    return "\n".join(out) + "\n"


def fortios_config(name, index, variant):
    """Returns a FortiOS configuration of about 1,200 lines."""
    rnd = random.Random(index)
    out = [
        "#config-version=FG1K0F-7.2.5-FW-build1517-230606:opmode=0:vdom=0",
        "config system global",
        f'    set hostname "{name}"',
        '    set timezone "Asia/Tokyo"',
        "    set admintimeout 30",
        "end",
        "config system admin",
        '    edit "admin"',
        f"        set password ENC SH2{rnd.getrandbits(128):032x}",
        "    next",
        "end",
        "config system interface",
    ]
    for port in range(1, 41):
        alias = f"segment-{port}"
        if variant and port == 5:
            alias = f"segment-{port}-moved-{variant}"
        out += [
            f'    edit "port{port}"',
            '        set vdom "root"',
            f"        set ip 10.{port}.{index % 250}.1 255.255.255.0",
            "        set allowaccess ping https ssh",
            f'        set alias "{alias}"',
            "        set type physical",
            "        set mtu-override enable",
            "        set mtu 9000",
            "    next",
        ]
    out += ["end", "config firewall address"]
    for obj in range(80):
        subnet = f"10.{100 + obj % 100}.{obj}.0 255.255.255.0"
        if variant and obj == 42:
            subnet = f"10.200.{variant % 250}.0 255.255.255.0"
        out += [f'    edit "net-{obj}"', f"        set subnet {subnet}", "    next"]
    out += ["end", "config firewall policy"]
    policies = list(range(1, 33)) + ([33] if variant else [])
    for policy in policies:
        out += [
            f"    edit {policy}",
            f'        set name "policy-{policy}"',
            '        set srcintf "port1"',
            '        set dstintf "port2"',
            f'        set srcaddr "net-{policy % 80}"',
            f'        set dstaddr "net-{(policy * 7) % 80}"',
            '        set action accept',
            '        set schedule "always"',
            '        set service "HTTPS"',
            "        set logtraffic all",
            f'        set comments "ticket REQ-{index:05d}-{policy}"',
            "    next",
        ]
    ntp = "10.0.0.2" if variant else "10.0.0.1"
    out += [
        "end",
        "config system ntp",
        "    set ntpsync enable",
        "    config ntpserver",
        "        edit 1",
        f'            set server "{ntp}"',
        "        next",
        "    end",
        "end",
    ]
    out.append("config router static")
    for route in range(60):
        out += [
            f"    edit {route + 1}",
            f"        set dst 192.168.{route}.0 255.255.255.0",
            f"        set gateway 10.0.{route % 4}.254",
            '        set device "port1"',
            "    next",
        ]
    out.append("end")
    return "\n".join(out) + "\n"


def device(index):
    """Returns (name, platform, path) of device `index`."""
    if index % 2 == 0:
        name = f"sw{index:05d}"
        return name, "ios", f"configs/{name}.cfg"
    name = f"fw{index:05d}"
    return name, "fortios", f"configs/{name}.conf"


def config(index, variant):
    name, platform, _ = device(index)
    if platform == "ios":
        return ios_config(name, index, variant)
    return fortios_config(name, index, variant)


def inventory(count):
    out = ["devices:"]
    for index in range(count):
        name, platform, path = device(index)
        kind = "switch" if platform == "ios" else "firewall"
        site = "west" if index % 3 else "east"
        out += [
            f"  - name: {name}",
            f"    kind: {kind}",
            f"    platform: {platform}",
            f"    site: {site}",
            f"    config: {path}",
        ]
    return "\n".join(out) + "\n"


class Stream:
    def __init__(self, out):
        self.out = out
        self.mark = 0

    def data(self, text):
        raw = text.encode()
        self.out.write(b"data %d\n" % len(raw))
        self.out.write(raw)
        self.out.write(b"\n")

    def commit(self, ref, message, files, parent=None):
        self.mark += 1
        w = self.out.write
        w(b"commit %s\nmark :%d\n" % (ref.encode(), self.mark))
        w(b"author henko bench <bench@example.com> %s\n" % DATE.encode())
        w(b"committer henko bench <bench@example.com> %s\n" % DATE.encode())
        self.data(message)
        if parent:
            w(b"from :%d\n" % parent)
        for path, text in files:
            w(b"M 100644 inline %s\n" % path.encode())
            self.data(text)
        w(b"\n")
        return self.mark

    def tag(self, name, mark):
        self.out.write(b"reset refs/tags/%s\nfrom :%d\n\n" % (name.encode(), mark))


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    percent = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
    out = sys.stdout.buffer
    stream = Stream(out)

    base = [("inventory.yaml", inventory(count))]
    base += [(device(i)[2], config(i, 0)) for i in range(count)]
    a = stream.commit("refs/heads/main", "snapshot A", base)
    stream.tag("A", a)

    rnd = random.Random(SEED)
    changed = sorted(rnd.sample(range(count), max(1, int(count * percent / 100))))
    b = stream.commit(
        "refs/heads/main",
        f"snapshot B: {len(changed)} devices changed",
        [(device(i)[2], config(i, 1 + i % 97)) for i in changed],
        parent=a,
    )
    stream.tag("B5", b)

    c = stream.commit(
        "refs/heads/all",
        "snapshot B100: every device changed",
        [(device(i)[2], config(i, 1 + i % 97)) for i in range(count)],
        parent=a,
    )
    stream.tag("B100", c)
    out.write(b"done\n")


if __name__ == "__main__":
    main()
