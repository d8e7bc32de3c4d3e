"""The device list and `inventory.yaml` writer."""

from .compute import VMS
from .model import SITES, WAN

HEADER = """# henko demo inventory — two-site private cloud.
# West centre (site west) is production; East centre (site east) is the
# standby site, plus a few verification devices. Each West production device
# is paired with its East standby twin; `vars` carry the values that are meant
# to differ between the two (used by `henko drift` as substitution rules, see
# docs/demo.md).
"""


def devices():
    """Returns the devices as dicts, in inventory order."""
    out = []

    def dev(name, kind, platform, s, role, tags, depends_on=(), pair=None, vars=None, **extra):
        d = {
            "name": name,
            "kind": kind,
            "platform": platform,
            "site": s["site"] if s else None,
            "env": extra.pop("env", s["env"] if s else None),
            "role": role,
            "tags": list(tags),
            "depends_on": list(depends_on),
            "pair": pair,
            "vars": vars or {},
        }
        d.update(extra)
        out.append(d)

    for key in ("west", "east"):
        s = SITES[key]
        c = s["code"]
        o = "e" if c == "w" else "w"

        def base(name):
            return {
                "hostname": name,
                "site_prefix": s["p"],
                "peer_prefix": s["peer_p"],
                "location": s["location"],
            }

        def routed(name):
            v = base(name)
            v.update({"asn": s["asn"], "peer_asn": s["peer_asn"]})
            return v

        # Internet edge and internal firewalls.
        v = base(f"{c}-pafw01")
        v["untrust_prefix"] = s["untrust"].rstrip(".")
        dev(f"{c}-pafw01", "firewall", "panos", s, "internet-edge", ["paloalto", "pa-3220"],
            pair=f"{o}-pafw01", vars=v)
        for m in (1, 2):
            dev(f"{c}-fw0{m}", "firewall", "fortios", s, "dc-internal",
                ["fortigate", "fg-1000f", "fgcp-cluster"], [f"{c}-pafw01"], pair=f"{o}-fw0{m}",
                vars=routed(f"{c}-fw0{m}"))
        # Core routers.
        for n in (1, 2):
            v = routed(f"{c}-core-rt0{n}")
            other = "east" if key == "west" else "west"
            v.update({"wan_ip": WAN[f"core-rt0{n}"][key], "wan_peer_ip": WAN[f"core-rt0{n}"][other]})
            dev(f"{c}-core-rt0{n}", "router", "iosxe", s, "core", ["cisco", "isr4451"],
                [f"{c}-fw01", f"{c}-fw02"], pair=f"{o}-core-rt0{n}", vars=v)
        # Aggregation and leaves.
        dev(f"{c}-l3sw01", "switch", "nxos", s, "aggregation", ["cisco", "nexus93180"],
            [f"{c}-core-rt01", f"{c}-core-rt02"], pair=f"{o}-l3sw01", vars=base(f"{c}-l3sw01"))
        for n in (1, 2):
            dev(f"{c}-leaf0{n}", "switch", "eos", s, "leaf", ["arista", "7050sx3"],
                [f"{c}-l3sw01"], pair=f"{o}-leaf0{n}", vars=base(f"{c}-leaf0{n}"))
        if key == "east":
            dev("e-vleaf01", "switch", "eos", s, "leaf", ["arista", "7050sx3", "verify"],
                ["e-l3sw01"], env="verify", vars={"hostname": "e-vleaf01"})
            dev("e-vpa01", "firewall", "panos-set", s, "verify-edge", ["paloalto", "vm-series", "verify"],
                ["e-vleaf01"], env="verify", vars={"hostname": "e-vpa01"})
        # Storage and hypervisors.
        v = base(f"{c}-pure01")
        v.update({"esx01_host": f"{c}-esx01", "esx02_host": f"{c}-esx02"})
        dev(f"{c}-pure01", "storage", "purestorage", s, "block-storage", ["pure", "flasharray-x50"],
            [f"{c}-leaf01", f"{c}-leaf02"], pair=f"{o}-pure01", vars=v)
        for n in (1, 2):
            dev(f"{c}-esx0{n}", "hypervisor", "esxi", s, "vsphere-cl01", ["primergy", "esxi7"],
                [f"{c}-leaf01", f"{c}-leaf02", f"{c}-pure01"], pair=f"{o}-esx0{n}",
                vars=base(f"{c}-esx0{n}"))
        # VMs and their OS settings.
        for name, _, _, _, _, _, esx, _ in VMS:
            v = base(f"{c}-{name}")
            v["esx_host"] = f"{c}-{esx}"
            role = name[:-2]
            dev(f"{c}-{name}", "vm", "vmware", s, role, ["rhel8", role], [f"{c}-{esx}"],
                pair=f"{o}-{name}", vars=v)
        for name in ("web01", "db01"):
            for what in ("sshd", "sysctl"):
                dev(f"{c}-{name}-{what}", "server", what, s, name[:-2], ["rhel8", "os-baseline"],
                    [f"{c}-{name}"], pair=f"{o}-{name}-{what}", vars=base(f"{c}-{name}-{what}"))
        if key == "east":
            dev("e-vweb01", "vm", "vmware", s, "web", ["rhel8", "web", "verify"], ["e-esx02"],
                env="verify", vars={"hostname": "e-vweb01"})
        # The load balancer fronts the web VMs.
        dev(f"{c}-slb01", "loadbalancer", "acos", s, "slb", ["a10", "thunder-1040s"],
            [f"{c}-leaf01", f"{c}-leaf02", f"{c}-web01", f"{c}-web02", f"{c}-web03"],
            pair=f"{o}-slb01", vars=base(f"{c}-slb01"))
    # Parameter sheets (both sites in one file).
    dev("vlans", "service", "xlsx", None, "parameter-sheet", ["sheet", "vlan"], env="prod",
        site="common", config="sheets/vlans.xlsx", key="VLAN ID")
    dev("ipam", "service", "csv", None, "parameter-sheet", ["sheet", "ipam"], env="prod",
        site="common", config="sheets/ipam.csv", key="key")
    return out


def _scalar(v):
    if isinstance(v, str):
        if v == "" or any(ch in v for ch in ":#{}[],&*?|<>=!%@`'\"") or v[0] in "-0123456789" or " " in v:
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return v
    return str(v)


def _list(items):
    return "[" + ", ".join(_scalar(i) for i in items) + "]"


def inventory_yaml(devs):
    """Renders `inventory.yaml`."""
    lines = [HEADER.rstrip("\n"), "defaults:", "  site: west", "  env: prod", "  tags: []", "", "devices:"]
    section = None
    for d in devs:
        heading = {"west": "West centre (production)", "east": "East centre (standby / verify)",
                   "common": "Parameter sheets"}[d["site"]]
        if heading != section:
            lines.append(f"  # --- {heading} ---")
            section = heading
        lines.append(f"  - name: {d['name']}")
        lines.append(f"    kind: {d['kind']}")
        lines.append(f"    platform: {d['platform']}")
        if d["site"] != "west":
            lines.append(f"    site: {d['site']}")
        if d["env"] != "prod":
            lines.append(f"    env: {d['env']}")
        lines.append(f"    role: {d['role']}")
        if d["tags"]:
            lines.append(f"    tags: {_list(d['tags'])}")
        if d["depends_on"]:
            lines.append(f"    depends_on: {_list(d['depends_on'])}")
        if d["pair"]:
            lines.append(f"    pair: {d['pair']}")
        if "config" in d:
            lines.append(f"    config: {d['config']}")
        if "key" in d:
            lines.append(f"    key: {_scalar(d['key'])}")
        if d["vars"]:
            lines.append("    vars:")
            for k, v in d["vars"].items():
                lines.append(f"      {k}: {_scalar(v)}")
    return "\n".join(lines) + "\n"
