"""FortiGate (FortiOS 7.0) configurations for the internal DC firewall pairs.

`w-fw01`/`w-fw02` (and `e-fw01`/`e-fw02`) are FGCP active-passive cluster
members, so their configurations differ only in hostname, HA priority and the
reserved management address.
"""

from .model import fortios_admin_enc, fortios_enc, secret_generation


def fortigate(s, member, flags):
    """Returns the configuration of `<code>-fw0<member>`."""
    p = s["p"]
    gen = secret_generation(flags)
    name = f"{s['code']}-fw0{member}"
    priority = 200 if member == 1 else 100
    mgmt = f"{p}.100.1{member}"
    out = []
    w = out.append
    w("#config-version=FG1K0F-7.0.12-FW-build0523-230411:opmode=0:vdom=0:user=netops")
    w("#conf_file_ver=81273645120934")
    w("#buildno=0523")
    w("#global_vdom=1")
    w("config system global")
    w('    set admin-https-redirect disable')
    by_hand = flags["after_fw_timeout_by_hand"] and name == "w-fw01"
    w(f"    set admintimeout {480 if by_hand else 30}")
    w('    set alias "FGT-DC-INTERNAL"')
    w(f'    set hostname "{name}"')
    w("    set timezone 60")
    w("end")
    w("config system accprofile")
    w('    edit "readonly_ops"')
    w("        set secfabgrp read")
    w("        set ftviewgrp read")
    w("        set authgrp read")
    w("        set sysgrp read")
    w("        set netgrp read")
    w("        set loggrp read")
    w("        set fwgrp read")
    w("    next")
    w("end")
    w("config system interface")
    w('    edit "mgmt"')
    w('        set vdom "root"')
    w(f"        set ip {mgmt} 255.255.255.0")
    w("        set allowaccess ping https ssh snmp")
    w('        set type physical')
    w('        set description "OOB-MGMT"')
    w("        set dedicated-to management")
    w("    next")
    w('    edit "port1"')
    w('        set vdom "root"')
    w(f"        set ip {p}.250.2 255.255.255.248")
    w("        set allowaccess ping")
    w('        set type physical')
    w('        set alias "TO-PA-EDGE"')
    w("    next")
    w('    edit "port2"')
    w('        set vdom "root"')
    w(f"        set ip {p}.0.1 255.255.255.248")
    w("        set allowaccess ping")
    w('        set type physical')
    w('        set alias "TO-CORE"')
    w("    next")
    w('    edit "ha1"')
    w('        set vdom "root"')
    w('        set type physical')
    w("    next")
    w('    edit "ha2"')
    w('        set vdom "root"')
    w('        set type physical')
    w("    next")
    w("end")
    w("config system ha")
    w('    set group-name "FGT-DC-HA"')
    w("    set mode a-p")
    w(f"    set password ENC {fortios_enc('ha/' + gen)}")
    w('    set hbdev "ha1" 50 "ha2" 50')
    w("    set session-pickup enable")
    w("    set ha-mgmt-status enable")
    w("    config ha-mgmt-interfaces")
    w("        edit 1")
    w('            set interface "mgmt"')
    w(f"            set gateway {p}.100.1")
    w("        next")
    w("    end")
    w("    set override disable")
    w(f"    set priority {priority}")
    w("end")
    w("config system dns")
    w(f"    set primary {p}.20.53")
    w("    set secondary 172.16.0.53")
    w("end")
    w("config system ntp")
    w("    set ntpsync enable")
    w("    set type custom")
    w("    config ntpserver")
    for i, ip in enumerate(["172.16.0.11", "172.16.0.12"], 1):
        w(f"        edit {i}")
        w(f'            set server "{ip}"')
        w("        next")
    w("    end")
    w("end")
    w("config system snmp sysinfo")
    w("    set status enable")
    w('    set description "DC internal firewall"')
    w('    set contact-info "NOC 06-0000-0000"')
    w(f'    set location "{s["location"]}"')
    w("end")
    w("config system snmp community")
    w("    edit 1")
    w('        set name "nw-ro-2019"')
    w("        config hosts")
    w("            edit 1")
    w(f"                set ip {p}.20.51 255.255.255.255")
    w("            next")
    w("        end")
    w("    next")
    w("end")
    w("config system admin")
    w('    edit "admin"')
    w('        set accprofile "super_admin"')
    w('        set vdom "root"')
    w(f"        set trusthost1 {p}.100.0 255.255.255.0")
    w(f"        set password ENC {fortios_admin_enc('admin/' + gen)}")
    w("    next")
    w('    edit "netops"')
    w('        set accprofile "readonly_ops"')
    w('        set vdom "root"')
    w(f"        set trusthost1 {p}.100.0 255.255.255.0")
    w(f"        set password ENC {fortios_admin_enc('netops/2022Q4')}")
    w("    next")
    w("end")
    w("config log syslogd setting")
    w("    set status enable")
    w(f'    set server "{p}.20.50"')
    w("    set facility local7")
    w("end")
    _objects(w, s)
    _policies(w, flags, s)
    _routing(w, s)
    return "\n".join(out) + "\n"


ADDRESSES = [
    ("NET-MGMT", "100", "0", "255.255.255.0"),
    ("NET-MON", "20", "0", "255.255.255.0"),
    ("NET-WEB", "110", "0", "255.255.255.0"),
    ("NET-APP", "120", "0", "255.255.255.0"),
    ("NET-DB", "130", "0", "255.255.255.0"),
    ("HOST-SPLUNK", "20", "50", "255.255.255.255"),
    ("HOST-ZABBIX", "20", "51", "255.255.255.255"),
    ("HOST-JP1-MGR", "20", "52", "255.255.255.255"),
    ("VIP-WEB", "110", "100", "255.255.255.255"),
]


def _objects(w, s):
    p = s["p"]
    w("config firewall address")
    for name, octet, host, mask in ADDRESSES:
        w(f'    edit "{name}"')
        w(f"        set subnet {p}.{octet}.{host} {mask}")
        w("    next")
    w('    edit "NET-PEER-SITE"')
    w('        set comment "standby/production counterpart site"')
    w(f"        set subnet {s['peer_p']}.0.0 255.255.0.0")
    w("    next")
    w('    edit "NET-HQ"')
    w('        set comment "head office via IP-VPN"')
    w("        set subnet 10.0.0.0 255.255.0.0")
    w("    next")
    w("end")
    w("config firewall addrgrp")
    w('    edit "GRP-SERVERS"')
    w('        set member "NET-WEB" "NET-APP" "NET-DB"')
    w("    next")
    w('    edit "GRP-MONITOR"')
    w('        set member "HOST-SPLUNK" "HOST-ZABBIX" "HOST-JP1-MGR"')
    w("    next")
    w("end")
    w("config firewall service custom")
    for name, port, comment in [
        ("TCP-8080", "8080", "AP server HTTP"),
        ("ORACLE-LSNR", "1521", "Oracle listener"),
        ("ZABBIX-AGENT", "10050", "Zabbix passive checks"),
        ("SPLUNK-FWD", "9997", "Splunk universal forwarder"),
        ("JP1-AGENT", "20306", "JP1/AJS3 agent"),
    ]:
        w(f'    edit "{name}"')
        w('        set category "General"')
        w(f'        set comment "{comment}"')
        w(f"        set tcp-portrange {port}")
        w("    next")
    w("end")
    w("config firewall service group")
    w('    edit "SVC-MONITORING"')
    w('        set member "ZABBIX-AGENT" "JP1-AGENT" "SNMP" "PING"')
    w("    next")
    w("end")


POLICIES = [
    (1, "HQ-TO-WEB", "port1", "port2", "NET-HQ", "VIP-WEB", "HTTPS", "enable"),
    (2, "WEB-TO-APP", "port2", "port2", "NET-WEB", "NET-APP", "TCP-8080", "enable"),
    (3, "APP-TO-DB", "port2", "port2", "NET-APP", "NET-DB", "ORACLE-LSNR", "enable"),
    (4, "MON-TO-SERVERS", "port2", "port2", "GRP-MONITOR", "GRP-SERVERS", "SVC-MONITORING", "disable"),
    (5, "SERVERS-TO-SPLUNK", "port2", "port2", "GRP-SERVERS", "HOST-SPLUNK", "SPLUNK-FWD", "disable"),
    (6, "MGMT-SSH", "port1", "port2", "NET-MGMT", "GRP-SERVERS", "SSH", "enable"),
    (7, "DB-REPLICATION-PEER", "port1", "port2", "NET-PEER-SITE", "NET-DB", "ORACLE-LSNR", "enable"),
]


def _policies(w, flags, s):
    w("config firewall policy")
    rows = list(POLICIES)
    # Opened on the production cluster only; East never gets it.
    if flags["policy_opened"] and s["site"] == "west":
        rows.append((8, "TEMP-VENDOR-MAINT", "port1", "port2", "all", "GRP-SERVERS", "ALL", "disable"))
    for pid, name, src, dst, saddr, daddr, svc, log in rows:
        w(f"    edit {pid}")
        w(f'        set name "{name}"')
        w(f'        set srcintf "{src}"')
        w(f'        set dstintf "{dst}"')
        w("        set action accept")
        w(f'        set srcaddr "{saddr}"')
        w(f'        set dstaddr "{daddr}"')
        w('        set schedule "always"')
        w(f'        set service "{svc}"')
        if log == "enable":
            w("        set logtraffic all")
        if pid == 8:
            w('        set comments "vendor remote maintenance REQ-2305-0142"')
        w("    next")
    w("end")


def _routing(w, s):
    p = s["p"]
    w("config router static")
    w("    edit 1")
    w(f"        set gateway {p}.250.1")
    w('        set device "port1"')
    w('        set comment "default to PA internet edge"')
    w("    next")
    w("    edit 2")
    w("        set dst 172.16.0.0 255.255.255.0")
    w(f"        set gateway {p}.250.1")
    w('        set device "port1"')
    w('        set comment "shared services (NTP/TACACS+)"')
    w("    next")
    if s["site"] == "east":
        # The demo's deliberate drift: added by hand during a verification
        # test and never removed; nothing on the West pair explains it.
        w("    edit 3")
        w("        set dst 192.168.100.0 255.255.255.0")
        w(f"        set gateway {p}.0.2")
        w('        set device "port2"')
        w('        set comment "verify lab temp"')
        w("    next")
    w("end")
    w("config router bgp")
    w(f"    set as {s['asn']}")
    w(f"    set router-id {p}.0.1")
    w("    set ebgp-multipath enable")
    w("    config neighbor")
    for host in (2, 3):
        w(f'        edit "{p}.0.{host}"')
        w(f"            set remote-as {s['asn']}")
        w("            set next-hop-self enable")
        w("            set soft-reconfiguration enable")
        w("        next")
    w("    end")
    w("    config network")
    w("        edit 1")
    w("            set prefix 0.0.0.0 0.0.0.0")
    w("        next")
    w("    end")
    w("end")
