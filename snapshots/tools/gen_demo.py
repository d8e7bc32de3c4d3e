#!/usr/bin/env python3
"""Regenerates the embedded demo: snapshots/demo/<date>/ and engine/demo/data.rs.

Usage (from the repository root):  python3 snapshots/tools/gen_demo.py

The output is committed; this script exists so that the three points in time
stay consistent with each other and with docs/demo.md. It needs only the
Python standard library and is byte-reproducible.
"""

import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from demo import cisco, compute, fortios, paloalto, sheets, switch_lb, templates  # noqa: E402
from demo.inventory import devices, inventory_yaml  # noqa: E402
from demo.model import DATES, SITES, stage_flags  # noqa: E402
from demo.xlsx import write_workbook  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO = os.path.join(ROOT, "snapshots", "demo")


def configs(flags):
    """Returns {relative path: text} of every device file at one point in time."""
    files = {}
    for key in ("west", "east"):
        s = SITES[key]
        c = s["code"]
        files[f"configs/{c}-pafw01.xml"] = paloalto.edge_xml(s, flags)
        for m in (1, 2):
            files[f"configs/{c}-fw0{m}.conf"] = fortios.fortigate(s, m, flags)
        for n in (1, 2):
            files[f"configs/{c}-core-rt0{n}.cfg"] = cisco.core_router(s, n, flags)
        files[f"configs/{c}-l3sw01.cfg"] = cisco.l3_switch(s, flags)
        files[f"configs/{c}-leaf01.cfg"] = switch_lb.leaf(s, f"{c}-leaf01", 21, flags)
        files[f"configs/{c}-leaf02.cfg"] = switch_lb.leaf(s, f"{c}-leaf02", 22, flags)
        files[f"configs/{c}-slb01.cfg"] = switch_lb.slb(s, flags)
        files[f"configs/{c}-pure01.yaml"] = compute.pure(s, flags)
        for n in (1, 2):
            files[f"configs/{c}-esx0{n}.yaml"] = compute.esxi(s, n, flags)
        for spec in compute.VMS:
            files[f"configs/{c}-{spec[0]}.yaml"] = compute.vm(s, spec, flags)
        for name, host in (("web01", 11), ("db01", 31)):
            vlan = 110 if name.startswith("web") else 130
            ip = f"{s['p']}.{vlan}.{host}"
            files[f"configs/{c}-{name}-sshd.conf"] = compute.sshd(s, name, ip, flags)
            files[f"configs/{c}-{name}-sysctl.conf"] = compute.sysctl(name)
        if key == "east":
            files["configs/e-vleaf01.cfg"] = switch_lb.leaf(s, "e-vleaf01", 29, flags, verify=True)
            files["configs/e-vpa01.set"] = paloalto.verify_set(s, flags)
            vspec = ("e-vweb01", 2, 4096, "WEB", 91, [60], "esx02", "検証用Webサーバ")
            files["configs/e-vweb01.yaml"] = compute.vm(s, vspec, flags, verify=True)
    files["sheets/ipam.csv"] = sheets.ipam_csv(flags)
    files["sheets/ipam.schema.yaml"] = sheets.IPAM_SCHEMA
    files["sheets/vlans.schema.yaml"] = sheets.VLAN_SCHEMA
    files.update(templates.files())
    return files


def check(devs, files):
    """Fails loudly when the inventory breaks its own rules."""
    names = {d["name"] for d in devs}
    assert len(names) == len(devs), "duplicate device name"
    for d in devs:
        for ref in d["depends_on"] + ([d["pair"]] if d["pair"] else []):
            assert ref in names, f"{d['name']} names unknown device {ref}"
        if d["pair"]:
            twin = next(x for x in devs if x["name"] == d["pair"])
            assert twin["pair"] == d["name"], f"pair {d['name']} is not mutual"
        path = d.get("config")
        if path is None:
            stems = [f for f in files if f.startswith("configs/") and os.path.splitext(f[8:])[0] == d["name"]]
            assert len(stems) == 1, f"{d['name']}: {stems}"
        else:
            assert path in files or path.endswith(".xlsx"), f"{d['name']}: {path} missing"
    graph = {d["name"]: d["depends_on"] for d in devs}
    state = {}

    def visit(n, trail):
        if state.get(n) == 2:
            return
        assert state.get(n) != 1, "cycle: " + " -> ".join(trail + [n])
        state[n] = 1
        for m in graph[n]:
            visit(m, trail + [n])
        state[n] = 2

    for n in graph:
        visit(n, [])
    used = {f for f in files if f.startswith("configs/")}
    owned = {f for f in used if os.path.splitext(f[8:])[0] in names}
    assert used == owned, f"config files without a device: {used - owned}"


def main():
    devs = devices()
    written = []
    for stage, date in enumerate(DATES):
        flags = stage_flags(stage)
        folder = os.path.join(DEMO, date)
        if os.path.isdir(folder):
            shutil.rmtree(folder)
        files = configs(flags)
        check(devs, files)
        files["inventory.yaml"] = inventory_yaml(devs)
        for rel, text in sorted(files.items()):
            path = os.path.join(folder, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
        xlsx = os.path.join(folder, "sheets", "vlans.xlsx")
        write_workbook(xlsx, sheets.vlan_sheets(flags), sheets.VLAN_WIDTHS)
        written.extend(f"{date}/{rel}" for rel in list(files) + ["sheets/vlans.xlsx"])
    write_manifest(sorted(written))
    print(f"wrote {len(written)} files under {DEMO}")


def write_manifest(paths):
    """Writes engine/demo/data.rs: every demo file, embedded (rustfmt-clean)."""
    out = [
        "//! The embedded demo: every file under `snapshots/demo/`, compiled into the",
        "//! binary so an installed `henko demo` needs no source tree.",
        "//!",
        "//! Generated by `snapshots/tools/gen_demo.py`; a unit test in `mod.rs` checks",
        "//! that this list matches the folder on disk.",
        "",
        "/// One embedded file: its path under `snapshots/demo/` and its bytes.",
        "macro_rules! demo_file {",
        "    ($path:literal) => {",
        "        (",
        "            $path,",
        "            include_bytes!(concat!(",
        '                env!("CARGO_MANIFEST_DIR"),',
        '                "/snapshots/demo/",',
        "                $path",
        "            )),",
        "        )",
        "    };",
        "}",
        "",
        "/// Every demo file: path relative to `snapshots/demo/` (starting with the",
        "/// point in time), and its bytes.",
        "pub(crate) static FILES: &[(&str, &[u8])] = &[",
    ]
    out.extend(f'    demo_file!("{p}"),' for p in paths)
    out.append("];")
    with open(os.path.join(ROOT, "engine", "demo", "data.rs"), "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
