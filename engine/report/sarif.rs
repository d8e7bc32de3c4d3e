//! `henko check` as SARIF 2.1.0, so code-scanning views (GitHub, GitLab)
//! show each finding on the configuration file and line it concerns.

use crate::plan::gate::{is_blocking, Verdict};
use crate::plan::{Finding, FindingKind, Plan, PlanDevice, Risk};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Renders the findings of `plan` (and the gate's reasons) as SARIF JSON.
pub fn render(plan: &Plan, verdict: &Verdict, fail_on: Risk) -> String {
    let approved = verdict.approvals > 0;
    let mut rules: BTreeMap<String, String> = BTreeMap::new();
    let mut results = Vec::new();
    let devices: Vec<Option<&PlanDevice>> = plan.devices.iter().map(Some).collect();
    for (device, finding) in devices
        .iter()
        .flat_map(|d| {
            d.iter()
                .flat_map(|d| d.findings.iter().map(move |f| (Some(*d), f)))
        })
        .chain(plan.findings.iter().map(|f| (None, f)))
    {
        let (rule, level, text) = match &finding.kind {
            FindingKind::Risk {
                level,
                rule,
                message,
                ..
            } => (rule.clone(), Risk::from(*level), message.clone()),
            FindingKind::Approval { role, reason, .. } => {
                let missing = !verdict.approved_roles.contains(role);
                let level = if missing { Risk::High } else { Risk::Info };
                (
                    format!("henko.approval.{role}"),
                    level,
                    format!("approval by {role} required: {reason}"),
                )
            }
            _ => continue,
        };
        rules.entry(rule.clone()).or_insert_with(|| text.clone());
        let blocking = !approved && is_blocking(finding, fail_on);
        let mut result = json!({
            "ruleId": rule,
            "level": sarif_level(level, blocking),
            "message": {"text": match &finding.device {
                Some(d) => format!("{d}: {text}"),
                None => text.clone(),
            }},
            "properties": {"risk": level.as_str(), "blocking": blocking, "script": origin(finding)},
        });
        if let Some(location) = device.and_then(location) {
            result["locations"] = json!([location]);
        }
        results.push(result);
    }
    for reason in &verdict.reasons {
        let text = reason.to_string();
        let id = match reason {
            crate::plan::gate::Reason::Edited { .. } | crate::plan::gate::Reason::Stale { .. } => {
                "henko.gate.stale"
            }
            crate::plan::gate::Reason::MissingApproval { .. } => "henko.gate.approval",
            crate::plan::gate::Reason::UnapprovedRisk { .. } => "henko.gate.risk",
            crate::plan::gate::Reason::ScriptFailures { .. } => "henko.gate.scripts",
            crate::plan::gate::Reason::NotVerified { .. } => "henko.gate.record",
        };
        rules.entry(id.to_string()).or_insert_with(|| text.clone());
        results.push(json!({"ruleId": id, "level": "error", "message": {"text": text}}));
    }
    let rules: Vec<Value> = rules
        .into_iter()
        .map(|(id, text)| json!({"id": id, "shortDescription": {"text": text}}))
        .collect();
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "henko",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "automationDetails": {"id": format!("henko/plan/{}", plan.hash)},
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&sarif).unwrap_or_default();
    text.push('\n');
    text
}

fn sarif_level(level: Risk, blocking: bool) -> &'static str {
    if blocking {
        return "error";
    }
    match level {
        Risk::Critical | Risk::High => "error",
        Risk::Medium | Risk::Low => "warning",
        Risk::Info | Risk::None => "note",
    }
}

/// The device's config file and the first changed line, when known.
fn location(device: &PlanDevice) -> Option<Value> {
    if device.config.is_empty() {
        return None;
    }
    let line = device
        .changes
        .iter()
        .filter_map(|c| c.line_after.or(c.line_before))
        .min();
    let mut physical = json!({"artifactLocation": {"uri": device.config}});
    if let Some(line) = line {
        physical["region"] = json!({"startLine": line});
    }
    Some(json!({"physicalLocation": physical}))
}

fn origin(finding: &Finding) -> String {
    super::plan_rows::origin(finding)
}
