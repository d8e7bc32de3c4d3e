//! Where secrets sit in a CLI line (ios, junos / PAN-OS set, fortios). Used by
//! [`secrets`](super::secrets); every rule returns byte ranges of secret
//! VALUES inside the text, never of the keywords around them.

use std::ops::Range;

use super::secret_names::is_secret_name;

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
    (!token.text.starts_with("<secret:")).then_some(token)
}

/// Secrets in a Cisco / Arista / A10 style line.
pub(crate) fn ios(text: &str) -> Vec<Range<usize>> {
    let tokens = tokens(text);
    let mut found = Vec::new();
    let first = tokens
        .first()
        .map(|t| t.text.to_ascii_lowercase())
        .unwrap_or_default();
    let second = tokens
        .get(1)
        .map(|t| t.text.to_ascii_lowercase())
        .unwrap_or_default();
    let snmp = first == "snmp-server";
    for (at, token) in tokens.iter().enumerate() {
        let word = token.text.to_ascii_lowercase();
        let keyword = match word.as_str() {
            "password" => !tokens.get(at + 1).is_some_and(|next| {
                [
                    "encryption",
                    "strength-check",
                    "secure-mode",
                    "prompt",
                    "minimum",
                    "policy",
                ]
                .iter()
                .any(|w| next.is(w))
            }),
            "pre-shared-key" => !tokens
                .get(at + 1)
                .is_some_and(|next| ["address", "hostname", "key"].iter().any(|w| next.is(w))),
            "secret" | "passwd" | "key-string" | "authentication-key" | "message-digest-key"
            | "server-key" | "password-encrypt" | "wpa-psk" | "pass-phrase" | "passphrase"
            | "enable-password" => true,
            // ldap-login-password, bind-password, shared-secret …
            other
                if other.ends_with("-password")
                    || other.ends_with("-passwd")
                    || other.ends_with("-secret") =>
            {
                true
            }
            "key" => {
                let benign_next = tokens.get(at + 1).is_some_and(|next| {
                    [
                        "chain",
                        "generate",
                        "zeroize",
                        "import",
                        "export",
                        "storage",
                        "config-key",
                    ]
                    .iter()
                    .any(|w| next.is(w))
                });
                let id_only = at == 0
                    && tokens.len() == 2
                    && tokens[1].text.bytes().all(|b| b.is_ascii_digit());
                !benign_next
                    && !id_only
                    && (at == 0
                        || matches!(
                            first.as_str(),
                            "tacacs-server"
                                | "radius-server"
                                | "pre-shared-key"
                                | "server-private"
                                | "server"
                                | "tacacs"
                                | "radius"
                                | "address"
                        )
                        || (first == "crypto" && (second == "isakmp" || second == "keyring")))
            }
            "community" | "community-map" => snmp,
            "text" => at > 0 && tokens[at - 1].is("authentication"),
            "auth" | "priv" => snmp && second == "user",
            _ => false,
        };
        if keyword {
            let mut from = at;
            // A key id of any length precedes the algorithm here.
            if matches!(word.as_str(), "authentication-key" | "message-digest-key")
                && tokens.get(at + 2).is_some()
                && tokens[at + 1].text.bytes().all(|b| b.is_ascii_digit())
            {
                from += 1;
            }
            if let Some(value) = value_after(&tokens, from) {
                found.push(value.value_range());
            }
        }
    }
    if snmp && second == "host" && !found.iter().any(|_| true) {
        // snmp-server host HOST [traps|informs] [vrf V] [version V [auth|noauth|priv]] COMMUNITY
        let mut at = 3;
        while at < tokens.len() {
            let word = tokens[at].text.to_ascii_lowercase();
            match word.as_str() {
                "traps" | "informs" | "poll" | "auth" | "noauth" | "priv" | "community" => at += 1,
                "vrf" | "version" | "udp-port" => at += 2,
                _ => break,
            }
        }
        if let Some(token) = tokens.get(at) {
            let keyword = ["source-interface", "use-vrf", "filter-vrf", "enable"]
                .iter()
                .any(|w| token.is(w));
            if !keyword && !token.text.starts_with("<secret:") {
                found.push(token.value_range());
            }
        }
    }
    found
}

/// Secrets in a Junos or PAN-OS set / braces statement (tokens of the
/// statement and, for the tree form, of its nearest ancestors).
pub(crate) fn junos(text: &str) -> Vec<Range<usize>> {
    let tokens = tokens(text);
    let snmp = tokens.iter().any(|t| t.is("snmp") || t.is("snmp-setting"));
    let mut found = Vec::new();
    for (at, token) in tokens.iter().enumerate() {
        let word = token
            .text
            .trim_start_matches("inactive:")
            .to_ascii_lowercase();
        let keyword = match word.as_str() {
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
            "key" => at > 0 && tokens[at - 1].is("pre-shared-key"),
            "community" => snmp,
            _ => false,
        };
        if keyword {
            let mut next = at + 1;
            while next + 1 < tokens.len()
                && ["ascii-text", "hexadecimal", "key"]
                    .iter()
                    .any(|w| tokens[next].is(w))
            {
                next += 1;
            }
            if let Some(value) = tokens.get(next) {
                if !value.text.starts_with("<secret:") && !matches!(value.text, "{" | ";" | "[") {
                    found.push(value.value_range());
                }
            }
        }
    }
    found
}

/// Secrets in a FortiOS line: the value of `set <secret-name> …` and
/// anything after an `ENC` token.
pub(crate) fn fortios(text: &str) -> Vec<Range<usize>> {
    let tokens = tokens(text);
    let mut found = Vec::new();
    if tokens.len() >= 3 && tokens[0].is("set") && is_secret_name(tokens[1].text) {
        let from = if tokens[2].is("ENC") && tokens.len() > 3 {
            3
        } else {
            2
        };
        if !tokens[from].text.starts_with("<secret:") {
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
        if pair[0].is("ENC") && !pair[1].text.starts_with("<secret:") {
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
            values(line, &fortios(line)),
            vec!["SH2nlSm9aSlxHZ1LEG/tMeY="]
        );
        let line = "set psksecret ENC a b c";
        assert_eq!(values(line, &fortios(line)), vec!["a b c"]);
        let line = "set passwd \"plain\"";
        assert_eq!(values(line, &fortios(line)), vec!["plain"]);
        let line = "set comment \"ENC abc\" ENC zzz";
        assert_eq!(values(line, &fortios(line)), vec!["zzz"]);
        assert!(fortios("set ssh-public-key1 \"ssh-rsa AAA\"").is_empty());
        assert!(fortios("set hostname fw").is_empty());
    }
}
