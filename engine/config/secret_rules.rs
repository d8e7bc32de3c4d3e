//! Where secrets sit in a line, per dialect family. Used by
//! [`secrets`](super::secrets); every rule returns byte ranges of secret
//! VALUES inside the text, never of the keywords around them.

use std::ops::Range;

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
            | "server-key" | "password-encrypt" | "wpa-psk" | "pass-phrase" | "passphrase" => true,
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

/// Secrets in a `key: value` / `key = value` / `key value` line of a
/// structured dialect; `parent` is the key of the enclosing section, used
/// for list items (`- value` under `passwords:`).
pub(crate) fn key_value(text: &str, parent: Option<&str>) -> Vec<Range<usize>> {
    let body_start = if text.starts_with("- ") { 2 } else { 0 };
    let body = &text[body_start..];
    let key_end = body
        .find(|c: char| c == ':' || c == '=' || c.is_whitespace())
        .unwrap_or(body.len());
    let (key, value_at) = if key_end < body.len() {
        let rest = &body[key_end..];
        let after_space = rest.trim_start();
        let after_sep = after_space
            .strip_prefix(':')
            .or_else(|| after_space.strip_prefix('='))
            .unwrap_or(after_space);
        (&body[..key_end], body.len() - after_sep.len())
    } else if body_start == 2 {
        match parent {
            Some(parent) => (parent, 0),
            None => return Vec::new(),
        }
    } else {
        return Vec::new();
    };
    let key = key.trim_matches('"');
    if !is_secret_name(key) {
        return Vec::new();
    }
    let raw = &body[value_at..];
    let value = raw.trim();
    let lead = raw.len() - raw.trim_start().len();
    let mut start = body_start + value_at + lead;
    let mut end = start + value.len();
    let unquoted = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')));
    if let Some(inner) = unquoted {
        start += 1;
        end = start + inner.len();
    }
    let inner = &text[start..end];
    let benign = [
        "", "~", "null", "none", "true", "false", "yes", "no", "on", "off", "{}", "[]",
    ];
    if benign.iter().any(|b| inner.eq_ignore_ascii_case(b)) || inner.starts_with("<secret:") {
        return Vec::new();
    }
    std::iter::once(start..end).collect()
}

/// Returns true when a setting named `name` holds a secret: its last word
/// (split at `-`, `_`, `.`, spaces and lower→upper case changes) is one of
/// password, passwd, pwd, secret, token, key, psk, psksecret, community,
/// credential(s), passphrase, privatekey, phash, apikey; or its last word is
/// hash / value / string / encrypted and an earlier word is password,
/// secret or key. Whole words only: `keyboard`, `monkey`, `key_column`,
/// `PasswordAuthentication` are not secrets.
pub(crate) fn is_secret_name(name: &str) -> bool {
    const LAST: &[&str] = &[
        "password",
        "passwd",
        "pwd",
        "secret",
        "token",
        "key",
        "psk",
        "psksecret",
        "community",
        "credential",
        "credentials",
        "passphrase",
        "privatekey",
        "phash",
        "apikey",
        "secretkey",
        "pass",
        "passwords",
        "secrets",
        "tokens",
        "communities",
        "psks",
        "passphrases",
    ];
    const QUALIFIED: &[&str] = &[
        "hash",
        "value",
        "string",
        "encrypted",
        "enc",
        "b64",
        "base64",
    ];
    const JAPANESE: &[&str] = &[
        "パスワード",
        "シークレット",
        "コミュニティ",
        "事前共有鍵",
        "暗号鍵",
    ];
    if JAPANESE.iter().any(|word| name.contains(word)) {
        return true;
    }
    let words = split_words(name);
    let Some(last) = words.last() else {
        return false;
    };
    if name.eq_ignore_ascii_case("hostkey") {
        return false;
    }
    LAST.contains(&last.as_str())
        || (QUALIFIED.contains(&last.as_str())
            && words[..words.len() - 1]
                .iter()
                .any(|w| ["password", "passwd", "secret", "key"].contains(&w.as_str())))
}

/// Splits an identifier into lower-case words.
fn split_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for ch in name.chars() {
        if !ch.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if ch.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = ch.is_lowercase() || ch.is_ascii_digit();
        current.extend(ch.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// PEM private key blocks anywhere in `text`, markers included.
pub(crate) fn private_keys(text: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = text[from..].find("-----BEGIN ") {
        let start = from + offset;
        let header_end = text[start + 11..].find("-----").map(|at| start + 11 + at);
        let Some(header_end) = header_end else { break };
        if !text[start..header_end].ends_with("PRIVATE KEY") {
            from = header_end + 5;
            continue;
        }
        let end = match text[header_end + 5..].find("-----END ") {
            Some(at) => {
                let end_marker = header_end + 5 + at;
                match text[end_marker + 9..].find("-----") {
                    Some(close) => end_marker + 9 + close + 5,
                    None => text.len(),
                }
            }
            None => text.len(),
        };
        found.push(start..end);
        from = end;
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

    #[test]
    fn key_value_rules_match_whole_words() {
        let line = "password: hunter2";
        assert_eq!(values(line, &key_value(line, None)), vec!["hunter2"]);
        let line = "api_token = \"abc\"";
        assert_eq!(values(line, &key_value(line, None)), vec!["abc"]);
        let line = "WPA_PSK='s3cret'";
        assert_eq!(values(line, &key_value(line, None)), vec!["s3cret"]);
        let line = "- hunter2";
        assert_eq!(
            values(line, &key_value(line, Some("passwords"))),
            vec!["hunter2"]
        );
        let line = "管理者パスワード: abc";
        assert_eq!(values(line, &key_value(line, None)), vec!["abc"]);
        for line in [
            "keyboard: jp",
            "monkey: 1",
            "key_column: hostname",
            "PasswordAuthentication no",
            "password: ~",
            "secret: true",
            "HostKey /etc/ssh/ssh_host_rsa_key",
        ] {
            assert!(key_value(line, None).is_empty(), "{line}");
        }
        assert!(is_secret_name("secretKey") && is_secret_name("root_password_hash"));
        assert!(!is_secret_name("keyId") && !is_secret_name("hash"));
    }

    #[test]
    fn finds_private_key_blocks_but_not_certificates() {
        let text = "x \"-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\" -----BEGIN RSA PRIVATE KEY-----\nBBB\n-----END RSA PRIVATE KEY----- tail";
        let found = private_keys(text);
        assert_eq!(found.len(), 1);
        assert!(text[found[0].clone()].starts_with("-----BEGIN RSA"));
        assert!(text[found[0].clone()].ends_with("KEY-----"));
        let open = "-----BEGIN PRIVATE KEY-----\nCCC";
        assert_eq!(private_keys(open), vec![0..open.len()]);
    }
}
