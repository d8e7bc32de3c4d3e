"""Parameter sheets: the VLAN workbook (xlsx, Japanese headers) and the IPAM
address list (CSV), plus their schemas."""

import csv
import io

from .compute import VMS
from .model import JUMBO, SITES, vlans

VLAN_HEADER = ["VLAN ID", "名前", "サブネット", "ゲートウェイ", "用途", "区分", "MTU"]
VLAN_WIDTHS = [10, 14, 18, 16, 36, 8, 8]


def vlan_rows(s, flags):
    """Returns one worksheet (header first) of the VLAN workbook for a site."""
    p = s["p"]
    rows = [VLAN_HEADER]
    for vid, name, octet, purpose, cat in vlans(flags):
        gateway = f"{p}.{octet}.1"
        if vid == 120 and flags["sheet_cell_change"]:
            purpose = "APサーバ (Tomcat 9 / 外部API連携)"
        if vid == 130 and s["site"] == "east" and flags["sheet_violation"]:
            # Typo on 2023-06-30: the third octet lost a digit, so the
            # gateway is outside the VLAN's subnet (schema rule `inside`).
            gateway = f"{p}.13.1"
        rows.append([vid, name, f"{p}.{octet}.0/24", gateway, purpose, cat, JUMBO.get(vid, "")])
    return rows


def vlan_sheets(flags):
    """Returns the workbook's worksheets: West then East."""
    return [(s["jp"], vlan_rows(s, flags)) for s in (SITES["west"], SITES["east"])]


def ipam_rows(flags):
    """Returns the IPAM rows (header first)."""
    rows = [["key", "site", "hostname", "interface", "vlan", "address", "prefix_len", "gateway", "purpose"]]
    for s in (SITES["west"], SITES["east"]):
        c, p, site = s["code"], s["p"], s["site"]

        def add(host, iface, vlan, addr, purpose, gw=True):
            octet = {10: 100, 20: 20, 110: 110, 120: 120, 130: 130, 140: 140, 200: 200, 210: 210}[vlan]
            gateway = f"{p}.{octet}.1" if gw else ""
            rows.append([f"{host}/{iface}", site, host, iface, vlan, addr, 24, gateway, purpose])

        for vid, name, octet, *_ in vlans(flags):
            if vid in (200, 210):
                continue
            add(f"{c}-l3sw01", f"Vlan{vid}", vid, f"{p}.{octet}.1", f"SVI {name}", gw=False)
        add(f"{c}-core-rt01", "GigabitEthernet0", 10, f"{p}.100.2", "mgmt")
        add(f"{c}-core-rt02", "GigabitEthernet0", 10, f"{p}.100.3", "mgmt")
        add(f"{c}-l3sw01", "mgmt0", 10, f"{p}.100.5", "mgmt")
        add(f"{c}-fw01", "mgmt", 10, f"{p}.100.11", "mgmt (HA reserved)")
        add(f"{c}-fw02", "mgmt", 10, f"{p}.100.12", "mgmt (HA reserved)")
        add(f"{c}-leaf01", "Management1", 10, f"{p}.100.21", "mgmt")
        add(f"{c}-leaf02", "Management1", 10, f"{p}.100.22", "mgmt")
        if site == "east":
            add("e-vleaf01", "Management1", 10, f"{p}.100.29", "mgmt (verify)")
        add(f"{c}-pafw01", "mgmt", 10, f"{p}.100.31", "mgmt")
        if site == "east":
            add("e-vpa01", "mgmt", 10, f"{p}.100.39", "mgmt (verify)")
        add(f"{c}-slb01", "management", 10, f"{p}.100.41", "mgmt")
        add(f"{c}-slb01", "ve110", 110, f"{p}.110.5", "SLB self IP")
        add(f"{c}-slb01", "VS-WEB", 110, f"{p}.110.100", "VIP www")
        add(f"{c}-pure01", "ct0.eth0", 10, f"{p}.100.51", "mgmt")
        add(f"{c}-pure01", "ct1.eth0", 10, f"{p}.100.52", "mgmt")
        for i, iface in enumerate(["ct0.eth8", "ct1.eth8", "ct0.eth9", "ct1.eth9"], 51):
            add(f"{c}-pure01", iface, 210, f"{p}.210.{i}", "iSCSI target", gw=False)
        for n in (1, 2):
            add(f"{c}-esx0{n}", "vmk0", 10, f"{p}.100.6{n}", "ESXi mgmt")
            add(f"{c}-esx0{n}", "vmk1", 200, f"{p}.200.6{n}", "vMotion", gw=False)
            add(f"{c}-esx0{n}", "vmk2", 210, f"{p}.210.6{n}", "iSCSI initiator", gw=False)
        for name, _, _, vlan, host, *_ in VMS:
            vid = {"WEB": 110, "APP": 120, "DB": 130}[vlan]
            add(f"{c}-{name}", "ens192", vid, f"{p}.{vid}.{host}", "service")
            if name.startswith("db"):
                add(f"{c}-{name}", "ens224", 210, f"{p}.210.{host}", "iSCSI (RDM)", gw=False)
        if site == "east":
            add("e-vweb01", "ens192", 110, f"{p}.110.91", "service (verify)")
    return rows


def ipam_csv(flags):
    """Returns sheets/ipam.csv."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerows(ipam_rows(flags))
    return buf.getvalue()


VLAN_SCHEMA = """# henko sheet schema for sheets/vlans.xlsx: one table per worksheet
# (西センター = West, 東センター = East), both with the same rules.
# Violations name the worksheet and the cell in A1 notation.
sheets:
  西センター: &vlan-sheet
    key: VLAN ID
    columns:
      VLAN ID:
        type: integer
        required: true
        unique: true
        min: 1
        max: 4094
      名前:
        type: string
        required: true
        unique: true
      サブネット:
        type: ipv4-prefix
        required: true
        unique: true
      ゲートウェイ:
        type: ipv4
        required: true
        unique: true
        within: サブネット
      用途:
        type: string
        required: true
      区分:
        type: string
        required: true
        enum: [業務, 管理, 基盤]
      MTU:
        type: integer
        min: 1500
        max: 9216
  東センター: *vlan-sheet
"""

IPAM_SCHEMA = """# henko sheet schema for sheets/ipam.csv: one row per assigned address.
key: key
columns:
  key:
    type: string
    required: true
    unique: true
  site:
    type: string
    required: true
    enum: [west, east]
  hostname:
    type: string
    required: true
    ref: device
  interface:
    type: string
    required: true
  vlan:
    type: integer
    required: true
    min: 1
    max: 4094
    ref: sheets/vlans.xlsx
  address:
    type: ipv4
    required: true
    unique: true
  prefix_len:
    type: integer
    required: true
    min: 8
    max: 32
  gateway:
    type: ipv4
  purpose:
    type: string
"""
