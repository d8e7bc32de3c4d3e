//! Unit tests of the detector's public functions and of [`Secrets`].

use super::super::{parse, ParseOptions};
use super::*;

#[test]
fn raw_xml_secret_elements_are_found_in_panos_lines() {
    let line = "      <phash>$1$GeUGlmLR$qv4fGjoJMcRKEhFYSrBRR.</phash>";
    let span = find_secret(Dialect::PanosXml, line).unwrap();
    assert_eq!(
        &line[span.start..span.end],
        "$1$GeUGlmLR$qv4fGjoJMcRKEhFYSrBRR."
    );
    assert_eq!(
        find_secret(Dialect::PanosXml, "<hostname>fw1</hostname>"),
        None
    );
    assert_eq!(find_secret(Dialect::PanosXml, "<password/>"), None);
}

#[test]
fn masks_with_fingerprint() {
    let text = "password 7 0822455D0A16";
    let span = find_secret(Dialect::Ios, text).unwrap();
    let masked = mask(text, span, None);
    assert!(masked.starts_with("password 7 <secret:"));
    assert!(!masked.contains("0822455D0A16"));
    assert_eq!(masked.len(), "password 7 <secret:12345678>".len());
    assert_ne!(mask(text, span, Some(b"k1")), mask(text, span, Some(b"k2")));
    assert_eq!(mask(text, span, Some(b"k1")), mask(text, span, Some(b"k1")));
    assert_eq!(mask_text(Dialect::Ios, &masked, None), masked, "idempotent");
}

#[test]
fn masks_junos_tree_with_ancestor_context() {
    let tree = parse(
        b"system { root-authentication { encrypted-password \"$1$abc$def\"; } }\nsecurity { ike { policy P { pre-shared-key ascii-text \"$9$xyz\"; } } }\n",
        Dialect::Junos,
        &ParseOptions::default(),
    );
    let masked = super::super::serialize(&mask_tree(&tree, None));
    assert!(
        !masked.contains("$1$abc$def") && !masked.contains("$9$xyz"),
        "{masked}"
    );
    assert!(masked.contains("<secret:"));
}

#[test]
fn masks_yaml_list_items_under_secret_key() {
    let tree = parse(
        b"users:\n  - name: a\n    password: hunter2\npasswords:\n  - s3cr3t\n",
        Dialect::Yaml,
        &ParseOptions::default(),
    );
    let masked = super::super::serialize(&mask_tree(&tree, None));
    assert!(
        !masked.contains("hunter2") && !masked.contains("s3cr3t"),
        "{masked}"
    );
}

#[test]
fn masks_panos_xml_and_set_phash() {
    let tree = parse(
        b"<config><mgt-config><users><entry name=\"admin\"><phash>$1$abcd$efgh</phash></entry></users></mgt-config></config>",
        Dialect::PanosXml,
        &ParseOptions::default(),
    );
    let masked = super::super::serialize(&mask_tree(&tree, None));
    assert!(
        !masked.contains("$1$abcd$efgh") && masked.contains("<phash>&lt;secret:"),
        "{masked}"
    );
    let tree = parse(
        b"set mgt-config users admin phash $1$abcd$efgh\n",
        Dialect::Junos,
        &ParseOptions::default(),
    );
    let masked = super::super::serialize(&mask_tree(&tree, None));
    assert!(!masked.contains("$1$abcd$efgh"), "{masked}");
}

#[test]
fn masks_cli_and_structured_secrets() {
    let ios = Secrets::new(Dialect::Ios, None);
    let masked = ios.mask(&[], "username admin privilege 15 secret 9 $9$abcdef");
    assert!(masked.starts_with("username admin privilege 15 secret 9 <secret:"));
    assert!(!masked.contains("abcdef"));
    assert_eq!(ios.mask(&[], "hostname r1"), "hostname r1");
    let fortios = Secrets::new(Dialect::Fortios, None);
    assert!(!fortios
        .mask(&[], "set password ENC AAAAxyz==")
        .contains("AAAAxyz"));
    let yaml = Secrets::new(Dialect::Yaml, None);
    assert!(!yaml.mask(&[], "password: hunter2").contains("hunter2"));
}

#[test]
fn fingerprints_follow_the_key() {
    let line = "enable secret 9 $9$abcdef";
    let plain = Secrets::new(Dialect::Ios, None).mask(&[], line);
    let keyed = Secrets::new(Dialect::Ios, Some(b"store key")).mask(&[], line);
    assert_ne!(plain, keyed);
}

#[test]
fn shape_ignores_the_value_and_context_finds_snmp_names() {
    let fortios = Secrets::new(Dialect::Fortios, None);
    assert_eq!(
        fortios.shape(&[], "set password ENC one"),
        fortios.shape(&[], "set password ENC two")
    );
    assert_ne!(
        fortios.mask(&[], "set password ENC one"),
        fortios.mask(&[], "set password ENC two")
    );
    let acos =
        Secrets::new(Dialect::Ios, None).mask(&[], "snmp-server community read nw-ro-2019 oid 1");
    assert!(
        !acos.contains("nw-ro-2019") && acos.ends_with(" oid 1"),
        "{acos}"
    );
    let csv = Secrets::new(Dialect::Csv, None);
    assert_eq!(csv.mask(&[], "key=sw01/Vlan140"), "key=sw01/Vlan140");
    assert!(!csv
        .mask(&["key=sw01"], "password: hunter2")
        .contains("hunter2"));
    let snmp = ["config system snmp community", "edit 1"];
    assert!(!fortios
        .mask(&snmp, "set name \"public-ro\"")
        .contains("public-ro"));
    assert_eq!(
        fortios.mask(&[], "set name \"public-ro\""),
        "set name \"public-ro\""
    );
}

#[test]
fn commands_are_masked_with_their_section_and_negations() {
    let lines = vec![
        "config system snmp community".to_string(),
        "    edit 1".to_string(),
        "        set name \"nw-ro-2019\"".to_string(),
        "    next".to_string(),
        "end".to_string(),
        "config system interface".to_string(),
        "    edit \"port1\"".to_string(),
        "        set name \"uplink\"".to_string(),
    ];
    let masked = mask_commands(Dialect::Fortios, lines, Some(b"k"));
    assert!(
        masked[2].starts_with("        set name \"<secret:"),
        "{masked:?}"
    );
    assert_eq!(masked[7], "        set name \"uplink\"");
    let masked = mask_commands(
        Dialect::Ios,
        vec![
            "no snmp-server community c0mmunity RO 10".to_string(),
            " no neighbor 10.0.0.2 password 7 0822455D0A16".to_string(),
            "hostname r1".to_string(),
        ],
        Some(b"k"),
    );
    assert!(!masked.concat().contains("c0mmunity") && !masked.concat().contains("0822455D"));
    assert!(masked[1].starts_with(" no neighbor 10.0.0.2 password 7 <secret:"));
    assert_eq!(masked[2], "hostname r1");
    // One fingerprint for one value, wherever it is masked.
    let line = "snmp-server community c0mmunity RO 10";
    assert_eq!(
        mask_text(Dialect::Ios, line, Some(b"k")),
        mask_commands(Dialect::Ios, vec![line.to_string()], Some(b"k"))[0]
    );
}

#[test]
fn fingerprints_are_eight_hex_digits_of_the_keyed_digest() {
    assert_eq!(fingerprint("abc", None), "ba7816bf");
    let keyed = fingerprint("abc", Some(b"key"));
    assert_eq!(keyed.len(), 8);
    assert_ne!(keyed, fingerprint("abc", None));
}
