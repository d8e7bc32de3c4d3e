//! `henko check` as JUnit XML, so CI systems show the gate natively: one
//! testcase per gate condition, per required approval, per device and per
//! risk finding; the blocking ones fail.

use crate::plan::gate::{is_blocking, Reason, Verdict};
use crate::plan::{Finding, Plan, Risk};
use std::fmt::Write;

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
    let failed = cases.iter().filter(|c| c.failure.is_some()).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"henko check\" tests=\"{}\" failures=\"{failed}\">",
        cases.len()
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"plan {}\" tests=\"{}\" failures=\"{failed}\" errors=\"0\">",
        xml(&plan.hash),
        cases.len()
    );
    for case in &cases {
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\"",
            xml(&case.class),
            xml(&case.name)
        );
        match &case.failure {
            Some(message) => {
                let first = message.lines().next().unwrap_or_default();
                let _ = writeln!(
                    out,
                    ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                    xml(first),
                    xml(message)
                );
            }
            None => out.push_str("/>\n"),
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
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

/// Escapes text for XML attributes and content; drops characters XML 1.0
/// cannot carry.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}
