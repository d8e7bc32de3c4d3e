"""The demo's model: both sites, the points in time, and the secrets.

Everything site-specific lives in `SITES`; every change between points in
time is a flag in `stage_flags`. The config writers only read these two, so
West and East stay identical except for the values the drift substitution
rules (docs/demo.md) are meant to explain away.
"""

import hashlib

#: Points in time, oldest first. The index is the "stage" the writers see.
DATES = ["2023-04-01", "2023-05-15", "2023-06-30", "2023-07-01"]

#: Per-site values. `p` is the site's /16 (without the trailing dot).
SITES = {
    "west": {
        "code": "w",
        "site": "west",
        "env": "prod",
        "p": "10.1",
        "peer_p": "10.2",
        "asn": "65001",
        "peer_asn": "65002",
        "location": "Osaka West DC 3F Room-A",
        "untrust": "203.0.113.",
        "jp": "西センター",
    },
    "east": {
        "code": "e",
        "site": "east",
        "env": "standby",
        "p": "10.2",
        "peer_p": "10.1",
        "asn": "65002",
        "peer_asn": "65001",
        "location": "Tokyo East DC 5F Room-C",
        "untrust": "198.51.100.",
        "jp": "東センター",
    },
}

#: The inter-site WAN (carrier wide-area Ethernet): one /30 per core router
#: pair; West takes the odd address.
WAN = {
    "core-rt01": {"west": "100.64.0.1", "east": "100.64.0.2"},
    "core-rt02": {"west": "100.64.0.5", "east": "100.64.0.6"},
}

#: Fleet-wide NTP and AAA servers in the shared-services range (same at both sites).
NTP_OLD = ["172.16.0.11", "172.16.0.12"]
NTP_NEW = ["172.16.0.11", "172.16.0.13"]
TACACS = ["172.16.0.21", "172.16.0.22"]

#: VLANs of the server segments, in sheet order: id, name, third octet,
#: purpose (Japanese, as in the customer's sheets), category.
VLANS = [
    (10, "MGMT", 100, "機器管理 (OOB)", "管理"),
    (20, "MON", 20, "監視 (Zabbix/Splunk/JP1)", "管理"),
    (110, "WEB", 110, "Webサーバ", "業務"),
    (120, "APP", 120, "APサーバ", "業務"),
    (130, "DB", 130, "DBサーバ (Oracle)", "業務"),
    (140, "BATCH", 140, "バッチサーバ (JP1/AJS3)", "業務"),
    (200, "VMOTION", 200, "vMotion", "基盤"),
    (210, "ISCSI", 210, "iSCSI (Pure Storage)", "基盤"),
]

#: VLANs whose SVI carries jumbo frames (the Oracle DB segment): the sheet's
#: MTU column and the L3 switches' `mtu` line.
JUMBO = {130: 9216}


def stage_flags(stage):
    """Returns which documented changes are present at `stage` (index into DATES)."""
    return {
        # 2023-05-15
        "vlan140": stage >= 1,
        "policy_opened": stage >= 1,
        "bgp_removed_west": stage >= 1,
        "app_resized_west": stage >= 1,
        "secret_rotated": stage >= 1,
        # 2023-06-30
        "bgp_removed_east": stage >= 2,
        "app_resized_east": stage >= 2,
        "acl_reordered": stage >= 2,
        "ntp_changed": stage >= 2,
        "a10_member_removed": stage >= 2,
        "sshd_loosened": stage >= 2,
        "pure_conn_removed": stage >= 2,
        "sheet_cell_change": stage >= 2,
        "sheet_violation": stage >= 2,
        # 2023-07-01: the backup after the 2023-06-30 window, which
        # `henko verify` holds against the plan 2023-05-15 -> 2023-06-30.
        # web03 left SG-WEB-80 on w-slb01 but stayed in SG-WEB-443 (one
        # planned line did not land), and someone raised the admin timeout
        # on w-fw01 by hand (a change outside the plan).
        "after_web03_443_kept": stage >= 3,
        "after_fw_timeout_by_hand": stage >= 3,
    }


def vlans(flags):
    """Returns the VLAN rows present at a stage."""
    return [v for v in VLANS if v[0] != 140 or flags["vlan140"]]


def _alphabet(seed, alphabet, n):
    out = []
    counter = 0
    while len(out) < n:
        digest = hashlib.sha256(f"{seed}/{counter}".encode()).digest()
        out.extend(alphabet[b % len(alphabet)] for b in digest)
        counter += 1
    return "".join(out[:n])


B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
CRYPT = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
HEX = "0123456789ABCDEF"


def fortios_admin_enc(seed):
    """A FortiOS `set password ENC SH2…` value (salted SHA-256 look-alike)."""
    return "SH2" + _alphabet("fgt-admin/" + seed, B64.replace("+", "").replace("/", ""), 60) + "="


def fortios_enc(seed):
    """A FortiOS reversible `ENC …` value (HA password, BGP password)."""
    return _alphabet("fgt-enc/" + seed, B64, 88) + "=="


def ios_type9(seed):
    """An IOS `secret 9` value: $9$salt$hash."""
    return "$9$" + _alphabet("t9s/" + seed, CRYPT, 14) + "$" + _alphabet("t9h/" + seed, CRYPT, 43)


def ios_type7(seed, n=18):
    """An IOS `7` (Vigenère) obfuscated value."""
    return "0" + _alphabet("t7/" + seed, "0123456789", 1) + _alphabet("t7h/" + seed, HEX, n)


def nxos_type5(seed):
    """An NX-OS `password 5` value ($5$ sha256-crypt look-alike)."""
    return "$5$" + _alphabet("n5s/" + seed, CRYPT, 16) + "$" + _alphabet("n5h/" + seed, CRYPT, 43)


def eos_sha512(seed):
    """An EOS `secret sha512` value."""
    return "$6$" + _alphabet("e6s/" + seed, CRYPT, 16) + "$" + _alphabet("e6h/" + seed, CRYPT, 86)


def secret_generation(flags):
    """The secret generation in force: fleet secrets rotate on 2023-05-15."""
    return "2023Q2" if flags["secret_rotated"] else "2022Q4"
