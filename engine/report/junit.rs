//! `henko check` as JUnit XML, so CI systems show the gate natively: one
//! testcase per gate condition, per required approval, per device and per
//! risk finding; the blocking ones fail.

use super::escape::xml_chars;
use crate::plan::gate::{is_blocking, Reason, Verdict};
use crate::plan::{Finding, Plan, Risk};
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

struct Case {
    class: String,
    name: String,
    failure: Option<String>,
}

/// Renders the gate's verdict on `plan` as JUnit XML.
pub fn render(plan: &Plan, verdict: &Verdict, fail_on: Risk) -> String {
    let approved = verdict.approvals > 0;
    let blocked = |f: &Finding| !approved && is_blocking(f, fail_on);
    let mut cases = Vec::new();
    let stale: Vec<String> = verdict
        .reasons
        .iter()
        .filter(|r| matches!(r, Reason::Edited { .. } | Reason::Stale { .. }))
        .map(ToString::to_string)
        .collect();
    cases.push(Case {
        class: "henko.gate".into(),
        name: "plan is fresh".into(),
        failure: (!stale.is_empty()).then(|| stale.join("\n")),
    });
    let failures: Vec<String> = verdict
        .reasons
        .iter()
        .filter(|r| matches!(r, Reason::ScriptFailures { .. }))
        .map(ToString::to_string)
        .collect();
    cases.push(Case {
        class: "henko.gate".into(),
        name: "scripts ran".into(),
        failure: (!failures.is_empty()).then(|| failures.join("\n")),
    });
    if verdict.record_required {
        let unverified: Vec<String> = verdict
            .reasons
            .iter()
            .filter(|r| matches!(r, Reason::NotVerified { .. }))
            .map(ToString::to_string)
            .collect();
        cases.push(Case {
            class: "henko.gate".into(),
            name: "change landed on every device".into(),
            failure: (!unverified.is_empty()).then(|| unverified.join("\n")),
        });
    }
    for required in &plan.approvals_required {
        let missing = !verdict.approved_roles.contains(&required.role);
        cases.push(Case {
            class: "henko.approvals".into(),
            name: format!(
                "approval by {} ({})",
                required.role,
                required.device.as_deref().unwrap_or("plan")
            ),
            failure: missing
                .then(|| format!("missing approval by {}: {}", required.role, required.reason)),
        });
    }
    for device in &plan.devices {
        let blocking: Vec<String> = device
            .findings
            .iter()
            .filter(|f| blocked(f))
            .map(Finding::summary)
            .collect();
        let class = format!("henko.device.{}", device.name);
        cases.push(Case {
            class: class.clone(),
            name: device.name.clone(),
            failure: (!blocking.is_empty()).then(|| blocking.join("\n")),
        });
        for finding in device.findings.iter().filter(|f| f.level().is_some()) {
            cases.push(finding_case(&class, finding, blocked(finding), fail_on));
        }
    }
    for finding in plan.findings.iter().filter(|f| f.level().is_some()) {
        cases.push(finding_case(
            "henko.plan",
            finding,
            blocked(finding),
            fail_on,
        ));
    }
    write_xml(&plan.hash, &cases)
}

/// Writes the cases as a JUnit document with quick-xml's writer, which
/// escapes every attribute and text; characters XML 1.0 cannot carry are
/// dropped first.
fn write_xml(hash: &str, cases: &[Case]) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    document(&mut writer, hash, cases).expect("writing XML into memory cannot fail");
    let mut out = String::from_utf8(writer.into_inner()).expect("the writer wrote UTF-8");
    out.push('\n');
    out
}

fn document(writer: &mut Writer<Vec<u8>>, hash: &str, cases: &[Case]) -> std::io::Result<()> {
    let failed = cases
        .iter()
        .filter(|c| c.failure.is_some())
        .count()
        .to_string();
    let total = cases.len().to_string();
    let suite = format!("plan {}", xml_chars(hash));
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    writer
        .create_element("testsuites")
        .with_attributes([
            ("name", "henko check"),
            ("tests", total.as_str()),
            ("failures", failed.as_str()),
        ])
        .write_inner_content(|w| {
            w.create_element("testsuite")
                .with_attributes([
                    ("name", suite.as_str()),
                    ("tests", total.as_str()),
                    ("failures", failed.as_str()),
                    ("errors", "0"),
                ])
                .write_inner_content(|w| {
                    for case in cases {
                        write_case(w, case)?;
                    }
                    Ok(())
                })?;
            Ok(())
        })?;
    Ok(())
}

fn write_case(w: &mut Writer<Vec<u8>>, case: &Case) -> std::io::Result<()> {
    let class = xml_chars(&case.class);
    let name = xml_chars(&case.name);
    let element = w
        .create_element("testcase")
        .with_attributes([("classname", &*class), ("name", &*name)]);
    match &case.failure {
        None => {
            element.write_empty()?;
        }
        Some(message) => {
            let message = xml_chars(message);
            let first = message.lines().next().unwrap_or_default();
            element.write_inner_content(|w| {
                w.create_element("failure")
                    .with_attribute(("message", first))
                    .write_text_content(BytesText::new(&message))?;
                Ok(())
            })?;
        }
    }
    Ok(())
}

fn finding_case(class: &str, finding: &Finding, blocked: bool, fail_on: Risk) -> Case {
    let level = finding.level().unwrap_or_default();
    Case {
        class: class.to_string(),
        name: format!("[{level}] {}", finding.summary()),
        failure: blocked.then(|| {
            format!(
                "{level} risk at or above --fail-on {fail_on} without approval: {}",
                finding.summary()
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_escaped_and_parses_back() {
        let cases = vec![
            Case {
                class: "henko.device.r<1>".into(),
                name: "plain".into(),
                failure: None,
            },
            Case {
                class: "henko.plan".into(),
                name: "[high] \"quoted\" & 'more'".into(),
                failure: Some("first <line>\nsecond\u{1} line".into()),
            },
        ];
        let xml = write_xml("abc123", &cases);
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
        assert!(
            xml.contains("classname=\"henko.device.r&lt;1&gt;\""),
            "{xml}"
        );
        assert!(xml.contains("message=\"first &lt;line&gt;\""), "{xml}");
        assert!(!xml.contains('\u{1}'));
        // A conforming reader gets the names back as written.
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut names = Vec::new();
        loop {
            match reader.read_event().unwrap() {
                Event::Start(e) | Event::Empty(e) => {
                    for attribute in e.attributes() {
                        let attribute = attribute.unwrap();
                        if attribute.key.as_ref() == "name" {
                            let value = attribute
                                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .unwrap();
                            names.push(value.into_owned());
                        }
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(
            names,
            [
                "henko check",
                "plan abc123",
                "plain",
                "[high] \"quoted\" & 'more'"
            ]
        );
        assert!(
            xml.contains(">first &lt;line&gt;\nsecond line</failure>"),
            "{xml}"
        );
    }
}
