//! Setting keys: which part of a line names the setting and which part is
//! its value, so that `ip address A` → `ip address B` reads as one `modify`
//! instead of a remove and an add.
//!
//! The rules are data: one table per dialect of token patterns. In a
//! pattern, a literal token must match exactly, `*` matches any token and
//! stays in the key (a neighbor address, an HSRP group), and `_` matches
//! any token that is a value and leaves the key (`ip access-group _ in`).
//! The key is the matched tokens minus the `_` ones; everything after the
//! pattern is the value. A line that matches no rule has no key and never
//! pairs (multi-valued settings such as `ntp server X` or `ip route …`
//! therefore show as remove + add, which is what they are).

use crate::config::Dialect;

/// Token patterns for Cisco-style CLIs (IOS, NX-OS, ASA, EOS, ACOS).
/// Single-valued settings only; the first matching rule wins.
const IOS_RULES: &[&str] = &[
    "hostname",
    "description",
    "ip address",
    "ip vrf forwarding",
    "vrf forwarding",
    "vrf member",
    "switchport mode",
    "switchport access vlan",
    "switchport voice vlan",
    "switchport trunk native vlan",
    "switchport trunk allowed vlan",
    "switchport trunk encapsulation",
    "encapsulation dot1q",
    "channel-group",
    "mtu",
    "speed",
    "duplex",
    "bandwidth",
    "delay",
    "shutdown",
    "name",
    "nameif",
    "security-level",
    "ip access-group _ in",
    "ip access-group _ out",
    "access-group _ in",
    "access-group _ out",
    "service-policy input",
    "service-policy output",
    "standby * ip",
    "standby * priority",
    "vrrp * ip",
    "vrrp * priority",
    "ip ospf cost",
    "ip ospf priority",
    "ip ospf network",
    "ip mtu",
    "ip tcp adjust-mss",
    "neighbor * remote-as",
    "neighbor * description",
    "neighbor * password",
    "neighbor * update-source",
    "neighbor * peer-group",
    "neighbor * ebgp-multihop",
    "neighbor * local-as",
    "neighbor * route-map _ in",
    "neighbor * route-map _ out",
    "neighbor * prefix-list _ in",
    "neighbor * prefix-list _ out",
    "bgp router-id",
    "router-id",
    "maximum-paths",
    "enable secret",
    "enable password",
    "username *",
    "password",
    "secret",
    "exec-timeout",
    "transport input",
    "transport output",
    "logging buffered",
    "logging trap",
    "logging source-interface",
    "ip domain-name",
    "ip domain name",
    "ip default-gateway",
    "ip name-server",
    "clock timezone",
    "spanning-tree mode",
    "spanning-tree portfast",
    "vtp mode",
    "vtp domain",
    "snmp-server location",
    "snmp-server contact",
    "snmp-server community *",
    "ntp source",
    "ntp source-interface",
    "tacacs-server key",
    "radius-server key",
    "key",
    "version",
    "set-overload-bit",
    "distance",
    "auto-cost reference-bandwidth",
    "banner motd",
    "banner login",
    "banner exec",
];

/// FortiOS: `set X …` is keyed by `set X`; `unset X` pairs with it.
const FORTIOS_RULES: &[&str] = &["set *"];

/// Junos brace statements and `set` lines: the statement name is the key.
/// Multi-valued statements (`address`, `members`, `community`…) are left out.
const JUNOS_RULES: &[&str] = &[
    "host-name",
    "domain-name",
    "description",
    "vlan-id",
    "mtu",
    "speed",
    "router-id",
    "autonomous-system",
    "local-as",
    "peer-as",
    "local-address",
    "metric",
    "preference",
    "time-zone",
    "location",
    "contact",
    "authentication-key",
    "encrypted-password",
    "secret",
    "native-vlan-id",
    "interface-mode",
    "port-mode",
    "action",
];

/// How a dialect finds the key of a line.
enum KeyStyle {
    /// Whitespace tokens matched against a pattern table; `no X` (and
    /// `unset X`) are keyed like `X`.
    Tokens(&'static [&'static str], &'static [&'static str]),
    /// The text before the first separator (`key: value`, `key = value`),
    /// or the first token when the line has no separator.
    Separator(&'static [char]),
    /// Lines never pair.
    None,
}

fn style(dialect: Dialect) -> KeyStyle {
    match dialect {
        Dialect::Ios => KeyStyle::Tokens(IOS_RULES, &["no"]),
        Dialect::Fortios => KeyStyle::Tokens(FORTIOS_RULES, &["unset"]),
        Dialect::Junos => KeyStyle::Tokens(JUNOS_RULES, &["delete", "deactivate"]),
        Dialect::Yaml | Dialect::Json | Dialect::Csv | Dialect::Xlsx | Dialect::PanosXml => {
            KeyStyle::Separator(&[':', '='])
        }
        Dialect::Ini => KeyStyle::Separator(&['=', ':']),
        Dialect::Lines => KeyStyle::None,
    }
}

/// Returns the setting key of `text` in `dialect`, or `None` when the line
/// is not a single-valued setting. Two different lines under the same
/// parent with the same key are one setting with a new value.
pub fn setting_key(dialect: Dialect, text: &str) -> Option<String> {
    match style(dialect) {
        KeyStyle::Tokens(rules, negations) => token_key(rules, negations, dialect, text),
        KeyStyle::Separator(separators) => separator_key(separators, text),
        KeyStyle::None => None,
    }
}

fn token_key(rules: &[&str], negations: &[&str], dialect: Dialect, text: &str) -> Option<String> {
    let mut tokens: Vec<&str> = tokens(text).collect();
    if tokens.len() > 1 && negations.contains(&tokens[0]) {
        tokens.remove(0);
        // FortiOS `unset X` is the absence of `set X`.
        if dialect == Dialect::Fortios {
            tokens.insert(0, "set");
        }
    }
    // Junos `set a b c value`: key on the statement path without `set`.
    if dialect == Dialect::Junos && tokens.first() == Some(&"set") && tokens.len() > 2 {
        let statement = tokens[tokens.len() - 2];
        if JUNOS_RULES.contains(&statement) {
            return Some(tokens[..tokens.len() - 1].join(" "));
        }
        return None;
    }
    for rule in rules {
        if let Some(key) = match_rule(rule, &tokens) {
            return Some(key);
        }
    }
    None
}

/// Matches `tokens` against one pattern and returns the key when it fits.
fn match_rule(rule: &str, tokens: &[&str]) -> Option<String> {
    let mut key = String::new();
    let mut count = 0;
    for (i, want) in rule.split(' ').enumerate() {
        let got = tokens.get(i)?;
        count = i + 1;
        let keep = match want {
            "*" => true,
            "_" => false,
            literal => {
                if literal != *got {
                    return None;
                }
                true
            }
        };
        if keep {
            if !key.is_empty() {
                key.push(' ');
            }
            key.push_str(got);
        }
    }
    (count > 0).then_some(key)
}

fn separator_key(separators: &[char], text: &str) -> Option<String> {
    let text = text.trim_start_matches("- ");
    if let Some(at) = text.find(separators) {
        let key = text[..at].trim();
        return (!key.is_empty()).then(|| key.to_string());
    }
    // `PermitRootLogin no` (sshd_config) has no separator: the first token.
    let mut parts = text.split_whitespace();
    let first = parts.next()?;
    parts.next().map(|_| first.to_string())
}

/// Splits on whitespace, keeping a double-quoted string as one token.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text.trim();
    std::iter::from_fn(move || {
        rest = rest.trim_start();
        if rest.is_empty() {
            return None;
        }
        let end = if let Some(quoted) = rest.strip_prefix('"') {
            quoted.find('"').map(|i| i + 2).unwrap_or(rest.len())
        } else {
            rest.find(char::is_whitespace).unwrap_or(rest.len())
        };
        let (token, tail) = rest.split_at(end);
        rest = tail;
        Some(token)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(dialect: Dialect, text: &str) -> Option<String> {
        setting_key(dialect, text)
    }

    #[test]
    fn ios_single_valued_settings_have_keys() {
        assert_eq!(
            key(Dialect::Ios, "ip address 10.0.0.1 255.255.255.0").as_deref(),
            Some("ip address")
        );
        assert_eq!(
            key(Dialect::Ios, "hostname r1").as_deref(),
            Some("hostname")
        );
        assert_eq!(
            key(Dialect::Ios, "switchport access vlan 20").as_deref(),
            Some("switchport access vlan")
        );
        assert_eq!(
            key(Dialect::Ios, "neighbor 1.2.3.4 remote-as 65001").as_deref(),
            Some("neighbor 1.2.3.4 remote-as")
        );
        assert_eq!(
            key(Dialect::Ios, "ip access-group EDGE-IN in").as_deref(),
            Some("ip access-group in")
        );
    }

    #[test]
    fn ios_negation_pairs_with_the_setting() {
        assert_eq!(
            key(Dialect::Ios, "no shutdown"),
            key(Dialect::Ios, "shutdown")
        );
        assert!(key(Dialect::Ios, "shutdown").is_some());
    }

    #[test]
    fn multi_valued_settings_do_not_pair() {
        assert_eq!(key(Dialect::Ios, "ntp server 10.0.0.1"), None);
        assert_eq!(key(Dialect::Ios, "ip route 0.0.0.0 0.0.0.0 10.0.0.1"), None);
        assert_eq!(key(Dialect::Lines, "anything at all"), None);
    }

    #[test]
    fn fortios_set_and_unset_share_a_key() {
        assert_eq!(
            key(Dialect::Fortios, "set ip 10.0.0.1 255.255.255.0").as_deref(),
            Some("set ip")
        );
        assert_eq!(key(Dialect::Fortios, "unset ip").as_deref(), Some("set ip"));
        assert_eq!(
            key(Dialect::Fortios, "set alias \"uplink to core\"").as_deref(),
            Some("set alias")
        );
    }

    #[test]
    fn junos_statements_and_set_lines() {
        assert_eq!(
            key(Dialect::Junos, "host-name r1").as_deref(),
            Some("host-name")
        );
        assert_eq!(
            key(Dialect::Junos, "set system host-name r1").as_deref(),
            Some("set system host-name")
        );
        assert_eq!(key(Dialect::Junos, "address 10.0.0.1/24"), None);
    }

    #[test]
    fn structured_dialects_key_before_the_separator() {
        assert_eq!(
            key(Dialect::Yaml, "vlan_id: 120").as_deref(),
            Some("vlan_id")
        );
        assert_eq!(
            key(Dialect::Csv, "mgmt_ip: 10.1.1.1").as_deref(),
            Some("mgmt_ip")
        );
        assert_eq!(key(Dialect::Ini, "MTU = 9000").as_deref(), Some("MTU"));
        assert_eq!(
            key(Dialect::Ini, "PermitRootLogin no").as_deref(),
            Some("PermitRootLogin")
        );
        assert_eq!(key(Dialect::Ini, "lonely"), None);
    }
}
