//! Where secrets sit in a CLI line (ios, junos / PAN-OS set, fortios): the
//! token positions after each secret keyword, per command family. Used by
//! [`secrets`](super); every rule returns byte ranges of secret VALUES
//! inside the text, never of the keywords around them. A negation (`no …`,
//! `delete …`) holds the same secrets as the line it negates.
//!
//! Each family has a prefilter (one regex compiled on first use): a line
//! without any of its keywords is skipped before it is split into tokens,
//! so the detector costs one scan on the lines that hold nothing.

use std::ops::Range;
use std::sync::OnceLock;

use super::names::is_secret_name;

/// Keywords one of which every Cisco-style secret line contains.
const IOS_WORDS: &str =
    r"(?i-u)pass|secret|key|communit|psk|snmp-server|authentication\s+text|-----begin";
/// Keywords one of which every Junos / PAN-OS set secret contains (in the
/// line or, for the tree form, in its nearest ancestors).
const JUNOS_WORDS: &str = r"(?i-u)pass|secret|key|communit|psk|phash|\$9\$|-----begin";

/// Returns true when `text` may hold a secret in a Cisco-style line.
pub(crate) fn may_hold_ios(text: &str) -> bool {
    static WORDS: OnceLock<regex::bytes::Regex> = OnceLock::new();
    WORDS
        .get_or_init(|| regex::bytes::Regex::new(IOS_WORDS).expect("valid pattern"))
        .is_match(text.as_bytes())
}

/// Returns true when `text` may hold (or name) a Junos / PAN-OS secret.
pub(crate) fn may_hold_junos(text: &str) -> bool {
    static WORDS: OnceLock<regex::bytes::Regex> = OnceLock::new();
    WORDS
        .get_or_init(|| regex::bytes::Regex::new(JUNOS_WORDS).expect("valid pattern"))
        .is_match(text.as_bytes())
}

/// A whitespace-separated token; a double-quoted string is one token.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token<'a> {
    pub(crate) text: &'a str,
    pub(crate) start: usize,
}

impl Token<'_> {
    fn range(&self) -> Range<usize> {
        self.start..self.start + self.text.len()
    }

    /// The token's range without surrounding double quotes.
    fn value_range(&self) -> Range<usize> {
        let range = self.range();
        if self.text.len() >= 2 && self.text.starts_with('"') && self.text.ends_with('"') {
            range.start + 1..range.end - 1
        } else {
            range
        }
    }

    fn is(&self, word: &str) -> bool {
        self.text.eq_ignore_ascii_case(word)
    }

    /// True for a fingerprint already in place of a value (`"<secret:…>"`
    /// quoted too, as a redacted store holds it).
    fn is_placeholder(&self) -> bool {
        self.text.trim_start_matches('"').starts_with("<secret:")
    }
}

/// Splits `text` into tokens with their byte offsets.
pub(crate) fn tokens(text: &str) -> Vec<Token<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at].is_ascii_whitespace() {
            at += 1;
            continue;
        }
        let start = at;
        if bytes[at] == b'"' {
            at += 1;
            while at < bytes.len() && bytes[at] != b'"' {
                at += if bytes[at] == b'\\' { 2 } else { 1 };
            }
            at = (at + 1).min(bytes.len());
        } else {
            while at < bytes.len() && !bytes[at].is_ascii_whitespace() {
                at += 1;
            }
        }
        // Never split inside a multi-byte character.
        while !text.is_char_boundary(at) {
            at += 1;
        }
        out.push(Token {
            text: &text[start..at],
            start,
        });
    }
    out
}

/// Words that may stand between a secret keyword and its value: encryption
/// types, algorithms, key ids.
fn is_type_word(token: &str) -> bool {
    const WORDS: &[&str] = &[
        "sha512",
        "sha256",
        "sha384",
        "sha",
        "sha1",
        "md5",
        "sha-256",
        "aes",
        "aes-128",
        "aes128",
        "aes-192",
        "aes-256",
        "aes256",
        "des",
        "3des",
        "encrypted",
        "ascii",
        "hex",
        "ascii-text",
        "hexadecimal",
        "local",
        "remote",
        "unencrypted",
        "cleartext",
    ];
    (token.len() <= 3 && !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()))
        || WORDS.iter().any(|word| token.eq_ignore_ascii_case(word))
}

/// Returns the value token after the keyword at `at`, skipping `level N`
/// and type words while a token remains after them.
fn value_after<'a>(tokens: &[Token<'a>], at: usize) -> Option<Token<'a>> {
    let mut next = at + 1;
    while next + 1 < tokens.len() {
        if tokens[next].is("level") {
            next += 2;
        } else if is_type_word(tokens[next].text) {
            next += 1;
        } else {
            break;
        }
    }
    let token = *tokens.get(next)?;
    (!token.is_placeholder()).then_some(token)
}

/// Lower-cases an ASCII `word` into `buf` without allocating; empty when it
/// is too long to be a keyword.
fn lower<'b>(word: &str, buf: &'b mut [u8; 40]) -> &'b str {
    let bytes = word.as_bytes();
    if bytes.len() > buf.len() || !word.is_ascii() {
        return "";
    }
    for (slot, byte) in buf.iter_mut().zip(bytes) {
        *slot = byte.to_ascii_lowercase();
    }
    std::str::from_utf8(&buf[..bytes.len()]).unwrap_or("")
}

/// True when `tokens[at]` is followed by one of `words`.
fn next_is(tokens: &[Token<'_>], at: usize, words: &[&str]) -> bool {
    tokens
        .get(at + 1)
        .is_some_and(|next| words.iter().any(|w| next.is(w)))
}

/// Secrets in a Cisco / Arista / A10 style line (or its `no` / `default`
/// negation).
pub(crate) fn ios(text: &str) -> Vec<Range<usize>> {
    if !may_hold_ios(text) {
        return Vec::new();
    }
    let all = tokens(text);
    let tokens = match all.first() {
        Some(first) if first.is("no") || first.is("default") => &all[1..],
        _ => &all[..],
    };
    let mut found = Vec::new();
    let first = tokens.first().map_or("", |t| t.text);
    let second = tokens.get(1).map_or("", |t| t.text);
    let snmp = first.eq_ignore_ascii_case("snmp-server");
    let snmp_user = snmp && second.eq_ignore_ascii_case("user");
    let mut buf = [0u8; 40];
    for (at, token) in tokens.iter().enumerate() {
        let word = lower(token.text, &mut buf);
        let keyword = match word {
            "password" => !next_is(
                tokens,
                at,
                &[
                    "encryption",
                    "strength-check",
                    "secure-mode",
                    "prompt",
                    "minimum",
                    "policy",
                ],
            ),
            "pre-shared-key" => !next_is(tokens, at, &["address", "hostname", "key"]),
            "secret" | "passwd" | "key-string" | "authentication-key" | "message-digest-key"
            | "server-key" | "password-encrypt" | "wpa-psk" | "pass-phrase" | "passphrase"
            | "enable-password" => true,
            // ldap-login-password, area-password, bind-password, shared-secret …
            other
                if other.ends_with("-password")
                    || other.ends_with("-passwd")
                    || other.ends_with("-secret") =>
            {
                true
            }
            "key" => {
                let benign_next = next_is(
                    tokens,
                    at,
                    &[
                        "chain",
                        "generate",
                        "zeroize",
                        "import",
                        "export",
                        "storage",
                        "config-key",
                        "encryption",
                    ],
                );
                let id_only = at == 0
                    && tokens.len() == 2
                    && tokens[1].text.bytes().all(|b| b.is_ascii_digit());
                let owner = [
                    "tacacs-server",
                    "radius-server",
                    "pre-shared-key",
                    "server-private",
                    "server",
                    "tacacs",
                    "radius",
                    "address",
                ]
                .iter()
                .any(|w| first.eq_ignore_ascii_case(w));
                !benign_next
                    && !id_only
                    && (at == 0
                        || owner
                        || (first.eq_ignore_ascii_case("crypto")
                            && (second.eq_ignore_ascii_case("isakmp")
                                || second.eq_ignore_ascii_case("keyring"))))
            }
            "community" | "community-map" if snmp => {
                // A10 ACOS: `snmp-server community read|write NAME`.
                let access = tokens
                    .get(at + 1)
                    .is_some_and(|t| t.text == "read" || t.text == "write");
                match tokens.get(at + 2) {
                    Some(name) if access && !["RO", "RW", "ro", "rw"].contains(&name.text) => {
                        if !name.is_placeholder() {
                            found.push(name.value_range());
                        }
                        false
                    }
                    // `no snmp-server community read`: the access word alone.
                    None if access => false,
                    _ => true,
                }
            }
            "text" => at > 0 && tokens[at - 1].is("authentication"),
            "auth" | "priv" => snmp_user,
            _ => false,
        };
        if keyword {
            let mut from = at;
            // A key id of any length precedes the algorithm here.
            if matches!(word, "authentication-key" | "message-digest-key")
                && tokens.get(at + 2).is_some()
                && tokens[at + 1].text.bytes().all(|b| b.is_ascii_digit())
            {
                from += 1;
            }
            if let Some(value) = value_after(tokens, from) {
                found.push(value.value_range());
            }
        }
    }
    if snmp
        && second.eq_ignore_ascii_case("host")
        && found.is_empty()
        && !tokens.iter().any(|t| t.is("community"))
    {
        // snmp-server host HOST [traps|informs] [vrf V] [version V [auth|noauth|priv]] COMMUNITY
        let mut at = 3;
        while at < tokens.len() {
            let word = lower(tokens[at].text, &mut buf);
            match word {
                "traps" | "informs" | "poll" | "auth" | "noauth" | "priv" | "community" => at += 1,
                "vrf" | "version" | "udp-port" => at += 2,
                _ => break,
            }
        }
        if let Some(token) = tokens.get(at) {
            let keyword = ["source-interface", "use-vrf", "filter-vrf", "enable"]
                .iter()
                .any(|w| token.is(w));
            if !keyword && !token.is_placeholder() {
                found.push(token.value_range());
            }
        }
    }
    found
}

/// Adds `range` unless it is there already (a `$9$` value after its keyword).
fn push_once(found: &mut Vec<Range<usize>>, range: Range<usize>) {
    if !found.contains(&range) {
        found.push(range);
    }
}

/// True for a Junos `$9$` value (reversible encryption: a secret wherever
/// it stands), quoted or not.
fn is_junos_nine(token: &str) -> bool {
    token.trim_start_matches('"').starts_with("$9$")
}

/// Secrets in a Junos or PAN-OS set / braces statement (tokens of the
/// statement and, for the tree form, of its nearest ancestors), or in a
/// `delete` of one.
pub(crate) fn junos(text: &str) -> Vec<Range<usize>> {
    if !may_hold_junos(text) {
        return Vec::new();
    }
    let tokens = tokens(text);
    let snmp = tokens.iter().any(|t| t.is("snmp") || t.is("snmp-setting"));
    let mut found = Vec::new();
    let mut buf = [0u8; 40];
    for (at, token) in tokens.iter().enumerate() {
        if is_junos_nine(token.text) {
            push_once(&mut found, token.value_range());
            continue;
        }
        let word = lower(token.text.trim_start_matches("inactive:"), &mut buf);
        let keyword = match word {
            "encrypted-password"
            | "secret"
            | "authentication-key"
            | "pre-shared-key"
            | "simple-password"
            | "password"
            | "phash"
            | "auth-password"
            | "priv-password"
            | "authentication-password"
            | "privacy-password"
            | "community-string"
            | "api-key"
            | "private-key"
            | "passphrase"
            | "psk" => true,
            other
                if other.ends_with("-password")
                    || other.ends_with("-secret")
                    || other.ends_with("-community-string") =>
            {
                true
            }
            "key" => at > 0 && tokens[at - 1].is("pre-shared-key"),
            "community" => snmp,
            _ => false,
        };
        if keyword {
            // Skip encodings, key ids and `type ALG value` before the value.
            let mut next = at + 1;
            while next + 1 < tokens.len() {
                let t = &tokens[next];
                if ["ascii-text", "hexadecimal", "key", "value"]
                    .iter()
                    .any(|w| t.is(w))
                    || t.text.bytes().all(|b| b.is_ascii_digit())
                {
                    next += 1;
                } else if t.is("type") {
                    next += 2;
                } else {
                    break;
                }
            }
            if let Some(value) = tokens.get(next) {
                // The tree form holds one token per node: a key id or an
                // encoding word alone is not the value.
                let id =
                    word == "authentication-key" && value.text.bytes().all(|b| b.is_ascii_digit());
                let skip = ["ascii-text", "hexadecimal", "key", "value", "type"]
                    .iter()
                    .any(|w| value.is(w));
                if !value.is_placeholder() && !matches!(value.text, "{" | ";" | "[") && !id && !skip
                {
                    push_once(&mut found, value.value_range());
                }
            }
        }
    }
    found
}

/// True under a FortiOS SNMP community, whose `set name` is the community
/// string itself.
fn in_snmp_community(context: &[&str]) -> bool {
    context.iter().any(|header| {
        header
            .trim_start()
            .starts_with("config system snmp community")
    })
}

/// Secrets in a FortiOS line under the section headers `context`: the
/// value of `set <secret-name> …`, anything after an `ENC` token, and the
/// `set name` of an SNMP community.
pub(crate) fn fortios(context: &[&str], text: &str) -> Vec<Range<usize>> {
    const SET_NAME: &str = "set name ";
    if let Some(value) = text.strip_prefix(SET_NAME) {
        if in_snmp_community(context) {
            let start = SET_NAME.len() + value.len() - value.trim_start().len();
            let mut range = start..SET_NAME.len() + value.trim_end().len();
            let quoted = &text[range.clone()];
            if quoted.len() >= 2 && quoted.starts_with('"') && quoted.ends_with('"') {
                range = range.start + 1..range.end - 1;
            }
            if range.start < range.end && !text[range.clone()].starts_with("<secret:") {
                return vec![range];
            }
            return Vec::new();
        }
    }
    if !super::names::may_name_secret(text) && !text.contains("ENC") {
        return Vec::new();
    }
    let tokens = tokens(text);
    let mut found = Vec::new();
    if tokens.len() >= 3 && tokens[0].is("set") && is_secret_name(tokens[1].text) {
        let from = if tokens[2].is("ENC") && tokens.len() > 3 {
            3
        } else {
            2
        };
        if !tokens[from].is_placeholder() {
            let range = if tokens.len() == from + 1 {
                tokens[from].value_range()
            } else {
                tokens[from].start..text.trim_end().len()
            };
            found.push(range);
        }
        return found;
    }
    for pair in tokens.windows(2) {
        if pair[0].is("ENC") && !pair[1].is_placeholder() {
            found.push(pair[1].value_range());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values<'a>(text: &'a str, ranges: &[Range<usize>]) -> Vec<&'a str> {
        ranges.iter().map(|r| &text[r.clone()]).collect()
    }

    #[test]
    fn ios_rules() {
        let cases: &[(&str, &[&str])] = &[
            ("enable secret 5 $1$abcd$xyz", &["$1$abcd$xyz"]),
            ("password 7 0822455D0A16", &["0822455D0A16"]),
            (
                "username bob privilege 15 secret sha512 $6$salt$hash",
                &["$6$salt$hash"],
            ),
            ("username u password Xy12 pbkdf2", &["Xy12"]),
            (
                "enable password 8Ry2YjIyt7RRXU24 encrypted",
                &["8Ry2YjIyt7RRXU24"],
            ),
            ("snmp-server community s3cr3t RO", &["s3cr3t"]),
            ("tacacs-server key 7 045802150C2E", &["045802150C2E"]),
            (
                "radius-server host 1.1.1.1 auth-port 1645 key 7 0101",
                &["0101"],
            ),
            ("key 7 0822455D0A16", &["0822455D0A16"]),
            ("key mysecret", &["mysecret"]),
            (
                "crypto isakmp key 0 t0psecret address 10.0.0.1",
                &["t0psecret"],
            ),
            (
                "ntp authentication-key 1 md5 094F471A1A0A 7",
                &["094F471A1A0A"],
            ),
            (
                "ip ospf message-digest-key 1 md5 7 070C285F4D06",
                &["070C285F4D06"],
            ),
            (
                "neighbor 10.0.0.2 password 7 1511021F0725",
                &["1511021F0725"],
            ),
            ("pre-shared-key local cisco123", &["cisco123"]),
            ("snmp-server host 10.0.0.9 version 2c commstr", &["commstr"]),
            (
                "snmp-server user u g v3 auth sha authpw priv aes 128 privpw",
                &["authpw", "privpw"],
            ),
            ("passwd 2KFQnbNIdI.2KYOU encrypted", &["2KFQnbNIdI.2KYOU"]),
            ("key-string 7 110A1016141D", &["110A1016141D"]),
            (" ldap-login-password s3cret", &["s3cret"]),
            ("enable-password abc123", &["abc123"]),
            (
                "ntp authentication-key 4294967295 md5 aBigKey",
                &["aBigKey"],
            ),
            ("pre-shared-key address 1.2.3.4 key abcdefgh", &["abcdefgh"]),
            (" client 12.5.1.61 server-key 7 KKKKAAA", &["KKKKAAA"]),
            (
                "snmp-server community-map dummycommunity context ospf1",
                &["dummycommunity"],
            ),
        ];
        for (line, want) in cases {
            assert_eq!(values(line, &ios(line)), *want, "{line}");
        }
        for line in [
            "service password-encryption",
            "password encryption aes",
            "key chain KC",
            "key 1",
            "crypto key generate rsa modulus 2048",
            "set community 65000:100 additive",
            "tunnel key 1234",
            "no password",
            "snmp-server group G v3 auth read V",
            "snmp-server host 192.0.2.1 source-interface loopback 0",
            "  56789ABC 56789ABC 56789ABC",
        ] {
            assert!(ios(line).is_empty(), "{line}");
        }
    }

    #[test]
    fn placeholders_are_never_masked_again() {
        for line in [
            "tacacs-server host 172.16.0.21 key 7 \"<secret:0badc0de>\"",
            "enable secret 9 <secret:0badc0de>",
            "snmp-server community read <secret:0badc0de>",
        ] {
            assert!(ios(line).is_empty(), "{line}");
        }
        let line = "set password ENC \"<secret:0badc0de>\"";
        assert!(fortios(&[], line).is_empty());
    }

    #[test]
    fn negations_acos_and_host_communities() {
        let cases: &[(&str, &[&str])] = &[
            ("no snmp-server community c0mm RO 10", &["c0mm"]),
            (
                "no snmp-server host 10.2.20.51 vrf MGMT version 2c c0mm",
                &["c0mm"],
            ),
            ("no radius-server host 10.0.0.8 key K3y", &["K3y"]),
            ("snmp-server community read nw-ro-2019", &["nw-ro-2019"]),
            ("no snmp-server community write rw-c0mm oid 1", &["rw-c0mm"]),
            (
                "snmp-server host 10.0.0.1 informs version 2c c0mm udp-port 162",
                &["c0mm"],
            ),
            ("key config-key password-encrypt Mk3y", &["Mk3y"]),
            ("area-password Ar3a", &["Ar3a"]),
        ];
        for (line, want) in cases {
            assert_eq!(values(line, &ios(line)), *want, "{line}");
        }
        assert!(ios("no shutdown").is_empty() && !may_hold_ios("interface Gi0/1"));
    }

    #[test]
    fn junos_nine_values_and_key_ids_and_fortios_snmp_names() {
        let line = "ntp authentication-key 2 type md5 value \"$9$abc\"";
        assert_eq!(values(line, &junos(line)), vec!["$9$abc"]);
        let line = "authentication md5 1 key \"$9$def\"";
        assert_eq!(values(line, &junos(line)), vec!["$9$def"]);
        let line = "delete snmp community s3cr3t";
        assert_eq!(values(line, &junos(line)), vec!["s3cr3t"]);
        let line = "set deviceconfig system snmp-setting access-setting version v2c snmp-community-string c0m";
        assert_eq!(values(line, &junos(line)), vec!["c0m"]);
        let snmp = ["config system snmp community", "edit 1"];
        let line = "set name \"public-ro\"";
        assert_eq!(values(line, &fortios(&snmp, line)), vec!["public-ro"]);
        assert!(fortios(&["config system interface"], line).is_empty());
    }

    #[test]
    fn junos_and_fortios_rules() {
        let line = "set system root-authentication encrypted-password \"$1$abc$def\"";
        assert_eq!(values(line, &junos(line)), vec!["$1$abc$def"]);
        let line = "set security ike policy P pre-shared-key ascii-text \"$9$xyz\"";
        assert_eq!(values(line, &junos(line)), vec!["$9$xyz"]);
        let line = "set snmp community public authorization read-only";
        assert_eq!(values(line, &junos(line)), vec!["public"]);
        assert!(junos("set policy-options community C members 65000:1").is_empty());
        let line = "set mgt-config users admin phash $1$qwe$rty";
        assert_eq!(values(line, &junos(line)), vec!["$1$qwe$rty"]);
        let line = "set password ENC SH2nlSm9aSlxHZ1LEG/tMeY=";
        assert_eq!(
            values(line, &fortios(&[], line)),
            vec!["SH2nlSm9aSlxHZ1LEG/tMeY="]
        );
        let line = "set psksecret ENC a b c";
        assert_eq!(values(line, &fortios(&[], line)), vec!["a b c"]);
        let line = "set passwd \"plain\"";
        assert_eq!(values(line, &fortios(&[], line)), vec!["plain"]);
        let line = "set comment \"ENC abc\" ENC zzz";
        assert_eq!(values(line, &fortios(&[], line)), vec!["zzz"]);
        assert!(fortios(&[], "set ssh-public-key1 \"ssh-rsa AAA\"").is_empty());
        assert!(fortios(&[], "set hostname fw").is_empty());
    }
}
