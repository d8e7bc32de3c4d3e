//! The secret catalogue: hand-written secret-bearing configuration forms,
//! one per way a platform stores a secret, each naming the vendor document
//! the form comes from. This is test data, kept independent of henko's
//! detector: nothing here is computed by the code under test.
//!
//! A form is a snippet with `{S}` (and for a second secret on the same line
//! or block, `{T}`) where the secret value goes. The tests put a unique
//! token there per form and per mode (changed, removed, added), so a token
//! found in any output names the form and the mode that leaked it. Tokens
//! contain letters outside hex, so no fingerprint can contain one by chance.

/// One secret-bearing configuration form.
pub struct Form {
    /// The inventory platform of the device the form is written for.
    pub platform: &'static str,
    /// The snippet, with `{S}` (and optionally `{T}`) for the secret values.
    pub text: &'static str,
    /// Where the form comes from.
    pub source: &'static str,
}

const fn form(platform: &'static str, text: &'static str, source: &'static str) -> Form {
    Form {
        platform,
        text,
        source,
    }
}

/// The file extension and the rest of the configuration a form is put into
/// (`{FORM}` marks where; `{NAME}` is the device name).
pub fn base(platform: &str) -> (&'static str, &'static str) {
    match platform {
        "ios" | "iosxe" | "nxos" | "eos" | "asa" | "acos" => {
            ("cfg", "hostname {NAME}\n!\n{FORM}!\nntp server 10.0.0.1\n")
        }
        "fortios" => (
            "conf",
            "config system global\n    set hostname \"{NAME}\"\nend\n{FORM}",
        ),
        "junos" => ("conf", "version 21.4R3;\n{FORM}"),
        "panos-set" => ("set", "set deviceconfig system hostname {NAME}\n{FORM}"),
        "panos" => (
            "xml",
            "<config version=\"10.2.0\">\n  <devices>\n    <entry name=\"localhost.localdomain\">\n      <deviceconfig>\n        <system>\n          <hostname>{NAME}</hostname>\n        </system>\n      </deviceconfig>\n    </entry>\n  </devices>\n{FORM}</config>\n",
        ),
        "yaml" => ("yaml", "name: {NAME}\n{FORM}"),
        "json" => ("json", "{\n  \"name\": \"{NAME}\"{FORM}\n}\n"),
        "ini" => ("ini", "[main]\nhost = {NAME}\n{FORM}"),
        other => panic!("no base for {other}"),
    }
}

/// Every form. Cisco references are the IOS / IOS XE / NX-OS / ASA command
/// references of the named command; Arista: EOS User Manual; A10: ACOS
/// System Configuration and Administration Guide; Fortinet: FortiOS CLI
/// Reference; Juniper: Junos OS CLI configuration statements; Palo Alto:
/// PAN-OS XML API / configuration schema.
pub const FORMS: &[Form] = &[
    // --- Cisco IOS / IOS XE ---
    form("ios", "enable secret 9 $9${S}\n", "Cisco IOS Security Command Reference: enable secret"),
    form("ios", "enable password 7 {S}\n", "Cisco IOS Security Command Reference: enable password"),
    form("ios", "username admin privilege 15 secret 9 $9${S}\n", "Cisco IOS Security Command Reference: username secret"),
    form("ios", "username ops password 7 {S}\n", "Cisco IOS Security Command Reference: username password"),
    form("ios", "snmp-server community {S} RO 10\n", "Cisco IOS SNMP Command Reference: snmp-server community (with ACL 10)"),
    form("ios", "snmp-server community {S} RW\n", "Cisco IOS SNMP Command Reference: snmp-server community"),
    form("ios", "snmp-server host 10.2.20.51 vrf MGMT version 2c {S}\n", "Cisco IOS SNMP Command Reference: snmp-server host (community string as last word)"),
    form("ios", "snmp-server host 10.2.20.52 informs version 2c {S} udp-port 162\n", "Cisco IOS SNMP Command Reference: snmp-server host informs"),
    form("ios", "snmp-server user v3user NETOPS v3 auth sha {S} priv aes 128 {T}\n", "Cisco IOS SNMP Command Reference: snmp-server user (SNMPv3 auth/priv)"),
    form("ios", "tacacs-server key 7 {S}\n", "Cisco IOS Security Command Reference: tacacs-server key"),
    form("ios", "tacacs server TAC1\n address ipv4 10.0.0.5\n key 7 {S}\n", "Cisco IOS XE Security Command Reference: tacacs server / key"),
    form("ios", "radius-server host 10.0.0.8 key {S}\n", "Cisco IOS Security Command Reference: radius-server host key"),
    form("ios", "radius-server key {S}\n", "Cisco IOS Security Command Reference: radius-server key"),
    form("ios", "radius server RAD1\n address ipv4 10.0.0.9 auth-port 1812 acct-port 1813\n key 7 {S}\n", "Cisco IOS XE Security Command Reference: radius server / key"),
    form("ios", "crypto isakmp key {S} address 192.0.2.10\n", "Cisco IOS Security Command Reference: crypto isakmp key"),
    form("ios", "crypto keyring KR1\n pre-shared-key address 192.0.2.11 key {S}\n", "Cisco IOS Security Command Reference: crypto keyring / pre-shared-key"),
    form("ios", "crypto ikev2 keyring KR2\n peer P1\n  address 192.0.2.12\n  pre-shared-key local {S}\n  pre-shared-key remote {T}\n", "Cisco IOS Security Command Reference: crypto ikev2 keyring / pre-shared-key"),
    form("ios", "router bgp 65001\n neighbor 10.0.0.2 remote-as 65002\n neighbor 10.0.0.2 password 7 {S}\n", "Cisco IOS IP Routing: BGP Command Reference: neighbor password"),
    form("ios", "interface GigabitEthernet0/1\n ip address 10.9.1.1 255.255.255.0\n ip ospf message-digest-key 1 md5 {S}\n", "Cisco IOS IP Routing: OSPF Command Reference: ip ospf message-digest-key"),
    form("ios", "interface GigabitEthernet0/2\n ip address 10.9.2.1 255.255.255.0\n ip ospf authentication-key 7 {S}\n", "Cisco IOS IP Routing: OSPF Command Reference: ip ospf authentication-key"),
    form("ios", "key chain EIGRP-KC\n key 1\n  key-string 7 {S}\n", "Cisco IOS IP Routing: EIGRP Command Reference: key chain / key-string"),
    form("ios", "router isis\n net 49.0001.0000.0000.0001.00\n area-password {S}\n domain-password {T}\n", "Cisco IOS IP Routing: ISIS Command Reference: area-password, domain-password"),
    form("ios", "interface GigabitEthernet0/3\n ip address 10.9.3.1 255.255.255.0\n isis password {S}\n", "Cisco IOS IP Routing: ISIS Command Reference: isis password"),
    form("ios", "ntp authentication-key 1 md5 {S} 7\n", "Cisco IOS Basic System Management Command Reference: ntp authentication-key"),
    form("ios", "interface Serial0/0\n encapsulation ppp\n ppp chap password 7 {S}\n ppp pap sent-username R1 password 7 {T}\n", "Cisco IOS Dial Technologies Command Reference: ppp chap password, ppp pap sent-username"),
    form("ios", "dot11 ssid CORP\n authentication open\n authentication key-management wpa\n wpa-psk ascii 7 {S}\n", "Cisco IOS Wireless LAN Command Reference: wpa-psk"),
    form("ios", "line vty 0 4\n password 7 {S}\n login\n", "Cisco IOS Security Command Reference: password (line)"),
    form("iosxe", "key config-key password-encrypt {S}\n", "Cisco IOS XE Security Command Reference: key config-key password-encrypt"),
    form("iosxe", "snmp-server community {S} RO ACL-SNMP\n", "henko demo (snapshots/tools/demo/cisco.py), Cisco snmp-server community"),
    form("iosxe", "snmp-server host 10.1.20.51 vrf Mgmt-intf version 2c {S}\n", "henko demo (snapshots/tools/demo/cisco.py), Cisco snmp-server host"),
    // --- Cisco NX-OS ---
    form("nxos", "username admin password 5 $5${S}  role network-admin\n", "Cisco Nexus 9000 NX-OS Security Configuration Guide: username password"),
    form("nxos", "snmp-server community {S} group network-operator\n", "Cisco Nexus NX-OS System Management Configuration Guide: snmp-server community"),
    form("nxos", "snmp-server host 10.2.20.53 traps version 2c {S}\n", "Cisco Nexus NX-OS System Management Configuration Guide: snmp-server host"),
    form("nxos", "snmp-server user netops network-operator auth md5 {S} priv {T} localizedkey\n", "Cisco Nexus NX-OS System Management Configuration Guide: snmp-server user"),
    form("nxos", "tacacs-server host 172.16.0.21 key 7 \"{S}\"\n", "Cisco Nexus NX-OS Security Configuration Guide: tacacs-server host key"),
    form("nxos", "radius-server host 10.0.0.10 key 7 \"{S}\" authentication accounting\n", "Cisco Nexus NX-OS Security Configuration Guide: radius-server host key"),
    // --- Arista EOS ---
    form("eos", "username admin role network-admin secret sha512 $6${S}\n", "Arista EOS User Manual: username secret"),
    form("eos", "snmp-server community {S} ro\n", "Arista EOS User Manual: snmp-server community"),
    form("eos", "snmp-server host 10.2.20.54 vrf MGMT version 2c {S}\n", "Arista EOS User Manual: snmp-server host"),
    form("eos", "router bgp 65001\n   neighbor 10.0.0.6 remote-as 65002\n   neighbor 10.0.0.6 password 7 {S}\n", "Arista EOS User Manual: neighbor password"),
    // --- Cisco ASA ---
    form("asa", "enable password {S} pbkdf2\n", "Cisco ASA Series Command Reference: enable password"),
    form("asa", "username admin password {S} pbkdf2 privilege 15\n", "Cisco ASA Series Command Reference: username password"),
    form("asa", "passwd {S} encrypted\n", "Cisco ASA Series Command Reference: passwd"),
    form("asa", "tunnel-group 192.0.2.20 type ipsec-l2l\ntunnel-group 192.0.2.20 ipsec-attributes\n ikev1 pre-shared-key {S}\n", "Cisco ASA Series Command Reference: tunnel-group ipsec-attributes / ikev1 pre-shared-key"),
    form("asa", "tunnel-group 192.0.2.21 type ipsec-l2l\ntunnel-group 192.0.2.21 ipsec-attributes\n ikev2 remote-authentication pre-shared-key {S}\n ikev2 local-authentication pre-shared-key {T}\n", "Cisco ASA Series Command Reference: ikev2 remote/local-authentication pre-shared-key"),
    form("asa", "aaa-server TAC protocol tacacs+\naaa-server TAC (inside) host 10.0.0.30\n key {S}\n", "Cisco ASA Series Command Reference: aaa-server host / key"),
    form("asa", "snmp-server host inside 10.0.0.40 community {S} version 2c\n", "Cisco ASA Series Command Reference: snmp-server host community"),
    // --- A10 ACOS ---
    form("acos", "snmp-server community read {S}\n", "A10 ACOS Command Line Interface Reference: snmp-server community read"),
    form("acos", "snmp-server community read {S} oid 1.3.6.1.2.1\n", "A10 ACOS Command Line Interface Reference: snmp-server community read … oid"),
    // --- FortiOS ---
    form("fortios", "config system admin\n    edit \"admin\"\n        set accprofile \"super_admin\"\n        set password ENC {S}\n    next\nend\n", "FortiOS CLI Reference: config system admin / set password"),
    form("fortios", "config system snmp community\n    edit 1\n        set name \"{S}\"\n        set query-v2c-status enable\n    next\nend\n", "FortiOS CLI Reference: config system snmp community / set name (the community string)"),
    form("fortios", "config vpn ipsec phase1-interface\n    edit \"to-east\"\n        set interface \"port1\"\n        set psksecret ENC {S}\n    next\nend\n", "FortiOS CLI Reference: config vpn ipsec phase1-interface / set psksecret"),
    form("fortios", "config user radius\n    edit \"RAD1\"\n        set server \"10.0.0.50\"\n        set secret ENC {S}\n    next\nend\n", "FortiOS CLI Reference: config user radius / set secret"),
    form("fortios", "config user local\n    edit \"bob\"\n        set type password\n        set passwd ENC {S}\n    next\nend\n", "FortiOS CLI Reference: config user local / set passwd"),
    form("fortios", "config system ha\n    set group-name \"HA1\"\n    set password ENC {S}\nend\n", "FortiOS CLI Reference: config system ha / set password"),
    form("fortios", "config router bgp\n    set as 65001\n    config neighbor\n        edit \"10.0.0.60\"\n            set remote-as 65002\n            set password ENC {S}\n        next\n    end\nend\n", "FortiOS CLI Reference: config router bgp / config neighbor / set password"),
    form("fortios", "config system snmp user\n    edit \"snmpv3\"\n        set security-level auth-priv\n        set auth-pwd ENC {S}\n        set priv-pwd ENC {T}\n    next\nend\n", "FortiOS CLI Reference: config system snmp user / set auth-pwd, priv-pwd"),
    form("fortios", "config user tacacs+\n    edit \"TAC\"\n        set server \"10.0.0.61\"\n        set key ENC {S}\n    next\nend\n", "FortiOS CLI Reference: config user tacacs+ / set key"),
    form("fortios", "config wireless-controller vap\n    edit \"corp\"\n        set ssid \"CORP\"\n        set passphrase ENC {S}\n    next\nend\n", "FortiOS CLI Reference: config wireless-controller vap / set passphrase"),
    form("fortios", "config user fsso\n    edit \"FSSO\"\n        set server \"10.0.0.70\"\n        set password ENC {S}\n        set password2 ENC {T}\n    next\nend\n", "FortiOS CLI Reference: config user fsso / set password, password2 (an ENC value under a name that says nothing)"),
    form("fortios", "config vpn certificate local\n    edit \"srv\"\n        set password ENC {T}\n        set private-key \"-----BEGIN ENCRYPTED PRIVATE KEY-----\n{S}\n-----END ENCRYPTED PRIVATE KEY-----\"\n    next\nend\n", "FortiOS CLI Reference: config vpn certificate local / set private-key, set password"),
    // --- Juniper Junos ---
    form("junos", "system {\n    root-authentication {\n        encrypted-password \"$6${S}\";\n    }\n}\n", "Junos OS: root-authentication / encrypted-password"),
    form("junos", "system {\n    login {\n        user ops {\n            uid 2001;\n            class super-user;\n            authentication {\n                encrypted-password \"$6${S}\";\n            }\n        }\n    }\n}\n", "Junos OS: login user / authentication encrypted-password"),
    form("junos", "security {\n    ike {\n        policy IKE-P {\n            mode main;\n            pre-shared-key ascii-text \"$9${S}\";\n        }\n    }\n}\n", "Junos OS: security ike policy / pre-shared-key ascii-text"),
    form("junos", "protocols {\n    ospf {\n        area 0.0.0.0 {\n            interface ge-0/0/0.0 {\n                authentication {\n                    md5 1 key \"$9${S}\";\n                }\n            }\n        }\n    }\n}\n", "Junos OS: ospf interface authentication md5 key"),
    form("junos", "protocols {\n    bgp {\n        group EBGP {\n            neighbor 10.0.0.80 {\n                authentication-key \"$9${S}\";\n            }\n        }\n    }\n}\n", "Junos OS: bgp neighbor authentication-key"),
    form("junos", "system {\n    radius-server {\n        10.0.0.81 secret \"$9${S}\";\n    }\n}\n", "Junos OS: radius-server secret"),
    form("junos", "snmp {\n    community {S} {\n        authorization read-only;\n    }\n}\n", "Junos OS: snmp community (the name is the community string)"),
    form("junos", "snmp {\n    v3 {\n        usm {\n            local-engine {\n                user u1 {\n                    authentication-sha {\n                        authentication-key \"$9${S}\";\n                    }\n                    privacy-aes128 {\n                        privacy-key \"$9${T}\";\n                    }\n                }\n            }\n        }\n    }\n}\n", "Junos OS: snmp v3 usm local-engine user / authentication-key, privacy-key"),
    form("junos", "system {\n    ntp {\n        authentication-key 2 type md5 value \"$9${S}\";\n    }\n}\n", "Junos OS: ntp authentication-key … value"),
    form("junos", "set system login user bob authentication encrypted-password \"$6${S}\"\n", "Junos OS: set-style encrypted-password"),
    // --- PAN-OS set ---
    form("panos-set", "set mgt-config users admin phash $5${S}\n", "PAN-OS CLI: set mgt-config users phash"),
    form("panos-set", "set network ike gateway GW1 authentication pre-shared-key key -AQ=={S}\n", "PAN-OS CLI: network ike gateway authentication pre-shared-key key"),
    form("panos-set", "set shared server-profile radius RAD server R1 secret -AQ=={S}\n", "PAN-OS CLI: shared server-profile radius server secret"),
    form("panos-set", "set deviceconfig system snmp-setting access-setting version v2c snmp-community-string {S}\n", "PAN-OS CLI: snmp-setting v2c snmp-community-string"),
    // --- PAN-OS XML ---
    form("panos", "  <mgt-config>\n    <users>\n      <entry name=\"admin\">\n        <phash>$5${S}</phash>\n      </entry>\n    </users>\n  </mgt-config>\n", "PAN-OS XML API configuration: mgt-config users entry phash"),
    form("panos", "  <shared>\n    <server-profile>\n      <radius>\n        <entry name=\"RAD\">\n          <server>\n            <entry name=\"r1\">\n              <ip-address>10.0.0.90</ip-address>\n              <secret>-AQ=={S}</secret>\n            </entry>\n          </server>\n        </entry>\n      </radius>\n    </server-profile>\n  </shared>\n", "PAN-OS XML API configuration: server-profile radius server secret"),
    form("panos", "  <network>\n    <ike>\n      <gateway>\n        <entry name=\"GW1\">\n          <authentication>\n            <pre-shared-key>\n              <key>-AQ=={S}</key>\n            </pre-shared-key>\n          </authentication>\n        </entry>\n      </gateway>\n    </ike>\n  </network>\n", "PAN-OS XML API configuration: ike gateway authentication pre-shared-key key"),
    form("panos", "  <shared>\n    <server-profile>\n      <ldap>\n        <entry name=\"AD\">\n          <bind-dn>cn=svc</bind-dn>\n          <bind-password>-AQ=={S}</bind-password>\n        </entry>\n      </ldap>\n    </server-profile>\n  </shared>\n", "PAN-OS XML API configuration: server-profile ldap bind-password"),
    form("panos", "  <shared>\n    <local-user-database>\n      <user>\n        <entry name=\"bob\">\n          <password>{S}</password>\n        </entry>\n      </user>\n    </local-user-database>\n  </shared>\n", "PAN-OS XML API configuration: local-user-database user password"),
    form("panos", "  <shared>\n    <autofocus>\n      <api-key>{S}</api-key>\n    </autofocus>\n  </shared>\n", "PAN-OS XML API configuration: an API key element"),
    form("panos", "  <deviceconfig>\n    <snmp-setting>\n      <access-setting>\n        <version>\n          <v2c>\n            <snmp-community-string>{S}</snmp-community-string>\n          </v2c>\n        </version>\n      </access-setting>\n    </snmp-setting>\n  </deviceconfig>\n", "PAN-OS XML API configuration: snmp-setting v2c snmp-community-string"),
    // --- YAML / JSON / ini ---
    form("yaml", "admin_password: {S}\n", "Ansible / VMware vars: snake_case password key"),
    form("yaml", "apiToken: \"{S}\"\n", "camelCase token key (Kubernetes / vendor APIs)"),
    form("yaml", "vcenter:\n  host: vc01\n  Credential: {S}\n", "PascalCase credential key (PowerCLI exports)"),
    form("yaml", "snmp:\n  community: {S}\n", "an SNMP community in structured data (Pure Storage / Ansible vars)"),
    form("yaml", "SECRET_KEY: {S}\n", "UPPER_CASE secret key (environment files)"),
    form("yaml", "passwords:\n  - {S}\n", "a list under a secret-named key"),
    form("yaml", "oidc:\n  client-secret: '{S}'\n", "kebab-case secret key"),
    form("yaml", "管理者パスワード: {S}\n", "Japanese parameter sheet key (管理者パスワード)"),
    form("json", ",\n  \"password\": \"{S}\"", "JSON password key"),
    form("json", ",\n  \"accessKey\": \"{S}\"", "JSON camelCase key (cloud API access key)"),
    form("json", ",\n  \"auth\": {\n    \"token\": \"{S}\"\n  }", "JSON nested token"),
    form("ini", "password = {S}\n", "ini password key"),
    form("ini", "SNMP_COMMUNITY={S}\n", "shell-style ini community"),
    form("ini", "[auth]\nclient_secret = {S}\n", "ini section secret key"),
];

/// The demo's secrets, copied by hand from `snapshots/demo/*/configs/`
/// (written there by `snapshots/tools/demo/*.py`).
pub const DEMO_SECRETS: &[&str] = &[
    "nw-ro-2019",
    "05CECA4C1D8362CF6E4E",
    "001CA292D3DDFA6A3C7F",
    "034ED93B0AA66CE1AB62",
    "0980E58299A3B5439F5C",
    "$9$DB2ua3qqXrV0kG$g2yvkccydVZ.lsxNdjLCMX0zaheDXHK.FmprZ2wU9fe",
    "$9$K8iBY2PcEoY5Mo$fgHHEcH3mN0efFadDokWcUCk/I3snB2.jH6ZTY0CHj4",
    "$9$cvMVrpWlsBlB2S$5DAs1HVB0e99in/AFc7KZERbWdbOKUeoOc79C7uC3MW",
    "$9$kzcBykb4GOfjZf$MQlZc5xFyqEupwC3MixK/yG.qePIOhGHPi6zp7xO5Ky",
    "$5$2WMJRp39bID2enai$AkmG9yIOzOZH7DrjqOUMahIsmlVn/oxqRoSZDTHYBIL",
    "$5$Hiu7DrAPSq6m9jZS$cZwXXGb/iph8pX6Y7mt8hI1M/wWJnyUiWW6GKdMlzlC",
    "$5$j0VT9s8L0I4XrfBo$RrPLWvQtwUmSpyX8.DgBhaSgJpWK9EftK6axvsIqDXz",
    "$5$OaWIBg3aWMY0cISQtxJEy6oRax8FVarx1229Sug5cZcDqKAP",
    "$6$6Jjw1pZK14jT0.zO$Uc5DgCSZ0WInV/sdYdol.8lsmZI3n33hYRk4NEaUJ0Si/rUsKLWgTGJuqXWtjEiKDdXtswdEhlHVxSxnRKQsPm",
    "$6$SX7uJzFZpysfqxiM$OGZy6XRhJEmdONwDgKxLXYK5/9nv/Fuj10f3OOaxEvMNQeelJfQX9icm6/FNACA5wJ2brMKCUXTa0tkTmfUWzK",
    "$6$meGmyof1CvcQpkIQ$FVxZdnqIT82dhQmfMMvzurtBBcBBL8sUcM70ZvZ/ap1wmKnGkNgSz9agWrHfRV7uqrAKIPSnXZ7SzNzocHeOXk",
    "QSrc/XkqGnHjc95JTln1MISFq+Fnto79Tm1NWEuKLmToIMiyi85x0XYRm8M9lBw5T3o084p9UZPIZ6caiwCnZI1x==",
    "SH2LKv4MDTuyWPqtHiECidLaY6nGpcB5WC8n9wa2q7GR14WVAxlWA4eOZEH4Pgx=",
    "SH2YCCETMA0UdjHTnWMA7E4xs9pcCOuLiUMXNA0VZtDH7eaE3Y4Cw86t51tW22I=",
    "SH2jkEwbzHTjQsYLzITCSA9GWJ1KlRnoR8E7OxMdc2xEzHbRbCcHSjNZACMyLAM=",
    "v43Y7n7R/3erPEgM3fqMcvDGOYbBm0fTs3LSkLHqRNyP/tI9tlYcVxM0QSUvYzuZbvhzNVqrFzN3xjksZoc1ycrr==",
];

/// How a form appears between FROM and TO.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// In both, with a different value (a rotation).
    Changed,
    /// In FROM only.
    Removed,
    /// In TO only.
    Added,
}

impl Mode {
    /// Every mode.
    pub const ALL: [Mode; 3] = [Mode::Changed, Mode::Removed, Mode::Added];

    /// The short name used in device names.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Changed => "chg",
            Mode::Removed => "rem",
            Mode::Added => "add",
        }
    }
}

/// The secret token of form `index`, in `side` (`a` FROM, `b` TO), and slot
/// (`S` or `T`) of `mode`. Letters outside hex make it unmistakable.
pub fn token(index: usize, mode: Mode, side: char, slot: char) -> String {
    format!("Qx{index:03}{}{side}{slot}Zw", mode.name())
}

/// The device name of form `index` in `mode`.
pub fn device(index: usize, mode: Mode) -> String {
    format!("c{index:03}-{}", mode.name())
}

/// The config file of form `index` in `mode` on `side`, or `None` when the
/// form is absent there (the device still exists with its base config).
pub fn config(index: usize, mode: Mode, side: char) -> String {
    let form = &FORMS[index];
    let (_, mut base) = base(form.platform);
    if form.platform == "junos" && form.text.starts_with("set ") {
        // A file is braces or set lines, never both.
        base = "set version 21.4R3\n{FORM}";
    }
    let present = match mode {
        Mode::Changed => true,
        Mode::Removed => side == 'a',
        Mode::Added => side == 'b',
    };
    let body = if present {
        form.text
            .replace("{S}", &token(index, mode, side, 'S'))
            .replace("{T}", &token(index, mode, side, 'T'))
    } else {
        String::new()
    };
    base.replace("{NAME}", &device(index, mode))
        .replace("{FORM}", &body)
}

/// Every token the catalogue puts into FROM (`a`) and TO (`b`).
pub fn tokens() -> Vec<String> {
    let mut out = Vec::new();
    for (index, form) in FORMS.iter().enumerate() {
        for mode in Mode::ALL {
            for side in ['a', 'b'] {
                for slot in ['S', 'T'] {
                    let token = token(index, mode, side, slot);
                    let placeholder = if slot == 'S' { "{S}" } else { "{T}" };
                    if form.text.contains(placeholder) && config(index, mode, side).contains(&token)
                    {
                        out.push(token);
                    }
                }
            }
        }
    }
    out
}

/// Writes the FROM (`a`) or TO (`b`) side of the whole catalogue as a
/// snapshot folder: one device per form and mode, with an inventory.
pub fn write_side(root: &std::path::Path, side: char) {
    let mut inventory = String::from("devices:\n");
    for (index, form) in FORMS.iter().enumerate() {
        let (ext, _) = base(form.platform);
        for mode in Mode::ALL {
            let name = device(index, mode);
            let path = format!("configs/{name}.{ext}");
            inventory.push_str(&format!(
                "  - name: {name}\n    platform: {}\n    config: {path}\n",
                form.platform
            ));
            let file = root.join(&path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, config(index, mode, side)).unwrap();
        }
    }
    std::fs::write(root.join("inventory.yaml"), inventory).unwrap();
}
