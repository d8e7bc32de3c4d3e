//! Guessing a file's dialect when the inventory does not say: first from
//! the file name's extension, then from the first meaningful lines of the
//! content, else [`Dialect::Lines`].

use super::Dialect;

/// How many meaningful lines the content rules look at.
const SAMPLE_LINES: usize = 200;

/// Returns the dialect that most likely parses `bytes` read from `path`.
pub fn sniff(path: &str, bytes: &[u8]) -> Dialect {
    if let Some(dialect) = by_extension(path) {
        return dialect;
    }
    // Cut at an even length so a UTF-16 head stays decodable.
    let head = &bytes[..bytes.len().min(64 * 1024) & !1];
    let text = super::input::decode(head, &mut Vec::new());
    by_content(&text)
}

fn by_extension(path: &str) -> Option<Dialect> {
    let name = path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    let extension = name.rsplit_once('.').map(|(_, ext)| ext)?;
    Some(match extension {
        "xml" => Dialect::PanosXml,
        "yaml" | "yml" => Dialect::Yaml,
        "json" => Dialect::Json,
        "csv" => Dialect::Csv,
        "xlsx" | "xlsm" => Dialect::Xlsx,
        "ini" | "vmx" | "nmconnection" | "sysctl" => Dialect::Ini,
        _ => return None,
    })
}

fn by_content(text: &str) -> Dialect {
    let trimmed = text.trim_start();
    if trimmed.starts_with('<') {
        return Dialect::PanosXml;
    }
    if (trimmed.starts_with('{')
        || (trimmed.starts_with('[') && !is_ini_header(first_line(trimmed))))
        && serde_json::from_str::<serde::de::IgnoredAny>(trimmed).is_ok()
    {
        return Dialect::Json;
    }
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim_end)
        .filter(|line| !line.trim().is_empty())
        .take(SAMPLE_LINES)
        .collect();
    if lines
        .iter()
        .any(|l| l.starts_with("#config-version=") || l.starts_with("config system "))
    {
        return Dialect::Fortios;
    }
    let meaningful: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !l.starts_with('#') && !l.starts_with('!'))
        .collect();
    let count = |pred: &dyn Fn(&str) -> bool| meaningful.iter().filter(|l| pred(l)).count();
    let total = meaningful.len().max(1);
    let set_lines = count(&|l| {
        l.starts_with("set ") || l.starts_with("delete ") || l.starts_with("deactivate ")
    });
    if set_lines * 2 > total {
        return Dialect::Junos;
    }
    let braces = count(&|l| l.ends_with(" {") || l.ends_with(';') || l.trim() == "}");
    if braces * 2 > total && meaningful.iter().any(|l| l.ends_with(" {")) {
        return Dialect::Junos;
    }
    if lines.first().is_some_and(|l| l.trim() == "---") || yaml_like(&meaningful) {
        return Dialect::Yaml;
    }
    let ios_words = [
        "hostname ",
        "interface ",
        "version ",
        "ASA Version",
        "feature ",
        "router ",
        "ip ",
        "vlan ",
        "username ",
        "service ",
        "aaa ",
        "logging ",
        "ntp server",
        "access-list ",
        "snmp-server ",
        "line ",
        "banner ",
        "spanning-tree ",
        "enable ",
        "no ",
    ];
    let ios = count(&|l| ios_words.iter().any(|w| l.starts_with(w)));
    let bang = lines.iter().filter(|l| l.trim() == "!").count();
    if ios > 0 && (bang > 0 || ios * 4 >= total) {
        return Dialect::Ios;
    }
    let stanzas = count(&|l| l.starts_with("iface ") || l.starts_with("auto "));
    if lines.iter().any(|l| is_ini_header(l) || l.starts_with('*'))
        || stanzas > 0
        || count(&|l| is_key_value(l)) * 2 > total
    {
        return Dialect::Ini;
    }
    if bang > 0 && ios > 0 {
        return Dialect::Ios;
    }
    Dialect::Lines
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("").trim()
}

fn is_ini_header(line: &str) -> bool {
    let line = line.trim();
    line.starts_with('[') && line.ends_with(']') && !line.contains(',') && !line.contains('"')
}

fn is_key_value(line: &str) -> bool {
    let line = line.trim();
    match line.split_once('=') {
        Some((key, _)) => {
            let key = key.trim();
            !key.is_empty() && !key.contains(char::is_whitespace)
        }
        None => {
            let mut words = line.split_whitespace();
            words
                .next()
                .is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase))
                && words.next().is_some()
        }
    }
}

fn yaml_like(lines: &[&str]) -> bool {
    let keyed = lines
        .iter()
        .filter(|l| {
            let t = l.trim_start();
            t.starts_with("- ")
                || t.split_once(':').is_some_and(|(key, rest)| {
                    !key.is_empty()
                        && !key.contains(' ')
                        && (rest.is_empty() || rest.starts_with(' '))
                })
        })
        .count();
    !lines.is_empty() && keyed * 10 >= lines.len() * 9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_extensions_and_contents() {
        let cases: &[(&str, &str, Dialect)] = &[
            ("a.yaml", "x", Dialect::Yaml),
            ("dir/b.XML", "", Dialect::PanosXml),
            ("vm.vmx", "", Dialect::Ini),
            (
                "f.conf",
                "#config-version=FGT60F\nconfig system global\nend\n",
                Dialect::Fortios,
            ),
            (
                "r1.cfg",
                "!\nhostname r1\n!\ninterface Gi0/1\n shutdown\n",
                Dialect::Ios,
            ),
            ("j", "system {\n    host-name j;\n}\n", Dialect::Junos),
            (
                "p",
                "set deviceconfig system hostname fw\nset mgt-config users admin\n",
                Dialect::Junos,
            ),
            ("c", "<config version=\"10\"/>", Dialect::PanosXml),
            ("n", "{\n\t\"results\": []\n}", Dialect::Json),
            ("s", "Port 22\nPermitRootLogin no\n", Dialect::Ini),
            ("i", "[main]\nkey=v\n", Dialect::Ini),
            ("y", "vm:\n  cpu: 4\n", Dialect::Yaml),
            ("t", "just some text\nmore text here\n", Dialect::Lines),
            ("e", "", Dialect::Lines),
            ("acl", "access-list 1 permit any\n", Dialect::Ios),
            (
                "interfaces",
                "# c\nauto lo\niface lo inet loopback\n",
                Dialect::Ini,
            ),
        ];
        for (path, text, want) in cases {
            assert_eq!(sniff(path, text.as_bytes()), *want, "{path}");
        }
    }
}
