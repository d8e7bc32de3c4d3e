"""Intended configuration for the demo: templates/templates.yaml, the Jinja
templates that render the switches' VLANs and SVIs from sheets/vlans.xlsx
and the FortiGates' address objects from sheets/addresses.csv, and that
address sheet itself.

The templates render exactly what the config writers emit, so a backup that
matches its sheet is compliant; the East gateway typo of 2023-06-30
(sheets.py, `sheet_violation`) is what `henko compliance` and
`henko plan ... --intended` then show as a switch change.
"""

import csv
import io

from .fortios import ADDRESSES
from .model import SITES

FEATURES_YAML = """# Features rendered from the parameter sheets (see docs/intended.md).
# A feature owns only the top-level lines its scope names; nothing else on
# the device is ever touched by what the sheets say.
templates:
  # VLAN definitions on every switch. `vlan ?` … `vlan ????` own single VLAN
  # ids, not NX-OS's `vlan 1,10,20,...` range line.
  - name: vlans
    file: vlans.j2
    platform: [nxos, eos]
    scope: ["vlan ?", "vlan ??", "vlan ???", "vlan ????"]
  # Layer-3 SVIs on the L3 switches (Vlan1 stays as it is).
  - name: svis
    file: svis.j2
    platform: [nxos]
    scope: ["interface Vlan[1-9]?*"]
  # Address objects on the FortiGates, per site.
  - name: addresses
    file: addresses.j2
    platform: [fortios]
    scope: ["config firewall address"]
"""

VLANS_J2 = """{# One worksheet per site: 西センター (west), 東センター (east). #}
{% set sheet = sheets.vlans['西センター' if device.site == 'west' else '東センター'] %}
{% for row in sheet %}
vlan {{ row['VLAN ID'] }}
  name {{ row['名前'] }}
{% endfor %}
"""

SVIS_J2 = """{% set sheet = sheets.vlans['西センター' if device.site == 'west' else '東センター'] %}
{# 基盤 VLANs (vMotion, iSCSI) stay layer 2 only. #}
{% for row in sheet if row['区分'] != '基盤' %}
interface Vlan{{ row['VLAN ID'] }}
  description SVI-{{ row['名前'] }}
  no shutdown
{% if row['MTU'] %}
  mtu {{ row['MTU'] }}
{% endif %}
  no ip redirects
  ip address {{ row['ゲートウェイ'] }}/{{ row['サブネット'] | ipaddr('prefix') }}
  ip router ospf 1 area 0.0.0.0
  ip ospf passive-interface
{% endfor %}
"""

ADDRESSES_J2 = """config firewall address
{% for row in sheets.addresses if row['拠点'] == device.site %}
    edit "{{ row['名前'] }}"
{% if row['コメント'] %}
        set comment "{{ row['コメント'] }}"
{% endif %}
        set subnet {{ row['アドレス'] | ipaddr('address') }} {{ row['アドレス'] | ipaddr('netmask') }}
    next
{% endfor %}
end
"""

ADDRESS_HEADER = ["拠点", "名前", "アドレス", "コメント"]


def _prefix(mask):
    return sum(bin(int(octet)).count("1") for octet in mask.split("."))


def addresses_csv():
    """Returns sheets/addresses.csv: the FortiGate address objects of both sites."""
    rows = [ADDRESS_HEADER]
    for key in ("west", "east"):
        s = SITES[key]
        p = s["p"]
        for name, octet, host, mask in ADDRESSES:
            rows.append([s["site"], name, f"{p}.{octet}.{host}/{_prefix(mask)}", ""])
        rows.append([s["site"], "NET-PEER-SITE", f"{s['peer_p']}.0.0/16",
                     "standby/production counterpart site"])
        rows.append([s["site"], "NET-HQ", "10.0.0.0/16", "head office via IP-VPN"])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def files():
    """Returns {relative path: text} of the templates and the address sheet."""
    return {
        "templates/templates.yaml": FEATURES_YAML,
        "templates/vlans.j2": VLANS_J2,
        "templates/svis.j2": SVIS_J2,
        "templates/addresses.j2": ADDRESSES_J2,
        "sheets/addresses.csv": addresses_csv(),
    }
