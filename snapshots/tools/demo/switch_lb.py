"""Arista EOS leaf switches and A10 Thunder (ACOS) load balancers."""

from .model import NTP_NEW, NTP_OLD, TACACS, eos_sha512, ios_type7, secret_generation, vlans


def leaf(s, name, mgmt_host, flags, verify=False):
    """Returns the running config of an Arista 7050SX3 leaf (EOS 4.28)."""
    p = s["p"]
    ntp = NTP_NEW if flags["ntp_changed"] else NTP_OLD
    allowed = ",".join(str(v[0]) for v in vlans(flags))
    gen = secret_generation(flags)
    side = 2 if name.endswith("02") else 1
    out = []
    w = out.append
    w(f"! device: {name} (DCS-7050SX3-48YC8, EOS-4.28.5.1M)")
    w("!")
    w("! boot system flash:/EOS-4.28.5.1M.swi")
    w("!")
    w("no aaa root")
    w("!")
    w(f"username admin privilege 15 role network-admin secret sha512 {eos_sha512('admin/' + gen)}")
    w(f"username netops privilege 1 role network-operator secret sha512 {eos_sha512('netops/2022Q4')}")
    w("!")
    w("service routing protocols model multi-agent")
    w("!")
    w(f"hostname {name}")
    w(f"ip name-server vrf MGMT {p}.20.53")
    w("dns domain dc.example.co.jp")
    w("!")
    for ip in ntp:
        w(f"ntp server vrf MGMT {ip}")
    w("!")
    w("snmp-server contact NOC 06-0000-0000")
    w(f"snmp-server location {s['location']}")
    w("snmp-server community nw-ro-2019 ro")
    w(f"snmp-server host {p}.20.51 vrf MGMT version 2c nw-ro-2019")
    w("snmp-server vrf MGMT")
    w("!")
    w("spanning-tree mode mstp")
    w("no spanning-tree vlan-id 4094")
    w("!")
    for ip in TACACS:
        w(f"tacacs-server host {ip} vrf MGMT key 7 {ios_type7('tacacs-eos')}")
    w("!")
    w("aaa group server tacacs+ TACACS-GRP")
    for ip in TACACS:
        w(f"   server {ip} vrf MGMT")
    w("!")
    w("aaa authentication login default group TACACS-GRP local")
    w("aaa authorization exec default group TACACS-GRP local")
    w("aaa accounting commands all default start-stop group TACACS-GRP")
    w("!")
    for vid, vname, *_ in vlans(flags):
        w(f"vlan {vid}")
        w(f"   name {vname}")
        w("!")
    w("vrf instance MGMT")
    w("!")
    w("interface Port-Channel1")
    if verify:
        w("   description TO-L3SW01-E1-47")
    else:
        w(f"   description TO-L3SW01-PO1{side}")
    w("   switchport mode trunk")
    w(f"   switchport trunk allowed vlan {allowed}")
    w("!")
    hosts = ["ESX01", "ESX02"] if not verify else ["VESX-LAB"]
    for i, host in enumerate(hosts, 1):
        w(f"interface Ethernet{i}")
        w(f"   description {host}-VMNIC{side + 1}")
        w("   mtu 9214")
        w("   switchport mode trunk")
        w(f"   switchport trunk allowed vlan {allowed}")
        w("   spanning-tree portfast")
        w("!")
    if not verify:
        for i, ctrl in ((5, "CT0"), (6, "CT1")):
            w(f"interface Ethernet{i}")
            w(f"   description PURE01-{ctrl}-ETH{side + 7}")
            w("   mtu 9214")
            w("   switchport access vlan 210")
            w("   spanning-tree portfast")
            w("!")
    for i in (49, 50):
        w(f"interface Ethernet{i}/1")
        w(f"   description TO-L3SW01-E1/{49 + (side - 1) * 2 + (i - 49)}")
        w("   channel-group 1 mode active")
        w("!")
    w("interface Management1")
    w("   vrf MGMT")
    w(f"   ip address {p}.100.{mgmt_host}/24")
    w("!")
    w(f"ip route vrf MGMT 0.0.0.0/0 {p}.100.1")
    w("!")
    w("ip routing")
    w("no ip routing vrf MGMT")
    w("!")
    w("management api http-commands")
    w("   no shutdown")
    w("   !")
    w("   vrf MGMT")
    w("      no shutdown")
    w("!")
    w("management ssh")
    w("   idle-timeout 10")
    w("   !")
    w("   vrf MGMT")
    w("      no shutdown")
    w("!")
    w("end")
    return "\n".join(out) + "\n"


WEB_SERVERS = [("web01", 11), ("web02", 12), ("web03", 13)]


def slb(s, flags):
    """Returns the running config of `<code>-slb01` (A10 Thunder 1040S, ACOS 5.2)."""
    p = s["p"]
    ntp = NTP_OLD
    members = list(WEB_SERVERS)
    if flags["a10_member_removed"] and s["site"] == "west":
        members = [m for m in members if m[0] != "web03"]
    out = []
    w = out.append
    w("!version 5.2.1-p6, build 74 (Apr-01-2023,02:40)")
    w("!")
    w(f"hostname {s['code']}-slb01")
    w("!")
    w("timezone Asia/Tokyo")
    w("!")
    for ip in ntp:
        w(f"ntp server {ip}")
        w("!")
    w("glm use-mgmt-port")
    w("!")
    w("vlan 110")
    w("  tagged ethernet 1 to 2")
    w("  router-interface ve 110")
    w("  name WEB")
    w("!")
    w("interface management")
    w(f"  ip address {p}.100.41 255.255.255.0")
    w(f"  ip default-gateway {p}.100.1")
    w("!")
    for i in (1, 2):
        w(f"interface ethernet {i}")
        w(f"  name TO-LEAF0{i}")
        w("  enable")
        w("!")
    w("interface ve 110")
    w(f"  ip address {p}.110.5 255.255.255.0")
    w("!")
    w(f"ip route 0.0.0.0 /0 {p}.110.1")
    w("!")
    w("health monitor HM-HTTP")
    w("  retry 3")
    w("  interval 5 timeout 3")
    w("  method http port 80 url GET /healthcheck expect response-code 200")
    w("!")
    for name, host in WEB_SERVERS:
        w(f"slb server {name} {p}.110.{host}")
        w("  port 80 tcp")
        w("  port 443 tcp")
        w("!")
    for port in (80, 443):
        w(f"slb service-group SG-WEB-{port} tcp")
        w("  method least-connection")
        w("  health-check HM-HTTP")
        kept = flags["after_web03_443_kept"] and s["site"] == "west" and port == 443
        for name, _ in WEB_SERVERS if kept else members:
            w(f"  member {name} {port}")
        w("!")
    w("slb template client-ssl TPL-CSSL-WEB")
    w("  certificate www.example.co.jp key www.example.co.jp")
    w("  disable-sslv3")
    w("!")
    w("slb template persist cookie TPL-PERSIST-WEB")
    w("  name JSESSIONID")
    w("!")
    w(f"slb virtual-server VS-WEB {p}.110.100")
    w("  port 80 http")
    w("    source-nat auto")
    w("    service-group SG-WEB-80")
    w("  port 443 https")
    w("    source-nat auto")
    w("    service-group SG-WEB-443")
    w("    template client-ssl TPL-CSSL-WEB")
    w("    template persist cookie TPL-PERSIST-WEB")
    w("!")
    w(f"logging host {p}.20.50 use-mgmt-port")
    w("!")
    w(f"snmp-server location {s['location']}")
    w("snmp-server contact NOC 06-0000-0000")
    w("snmp-server community read nw-ro-2019")
    w("  remote " + f"{p}.20.51")
    w("!")
    w("end")
    return "\n".join(out) + "\n"
