//! Manual steps and script texts in the report's language.
//!
//! A script's finding may give its text in both languages
//! (`ctx.note(en, ja)`, `ctx.risk(level, rule, en, ja)`,
//! `ctx.require_approval(role, en, ja)`): the plan keeps both, `--lang ja`
//! reports show the Japanese one ([`Finding::use_japanese`]).
//!
//! The plan keeps each manual step
//! as the English sentence its hash covers; `--lang ja` reports show the
//! Japanese one, built from the same parts: the verb and the line the
//! remediation engines name, and the reason in Japanese from the platform
//! table that gave it ([`reason_ja`]); a script's manual step in the
//! `text_ja` the script gave (`ctx.step(phase, #{kind: "manual", text: …,
//! text_ja: …})`). A step henko does not recognise (a script's text without
//! `text_ja`, a reason from a store's own table without `reason_ja`) is
//! shown as written.

use super::i18n::Lang;
use crate::plan::remediate::reason_ja;
use crate::plan::{manual_text, Finding, FindingKind, Plan};
use crate::script::{Phase, StepKind};
use std::borrow::Cow;
use std::collections::HashMap;

/// Returns `plan` with its manual steps in `lang` (the plan itself when
/// `lang` is English or no step changes).
pub fn localize(plan: &Plan, lang: Lang) -> Cow<'_, Plan> {
    if lang == Lang::En {
        return Cow::Borrowed(plan);
    }
    // A script's manual step that gives its Japanese words: the text the
    // plan shows for it, and that text in Japanese.
    let mut scripted: HashMap<String, String> = HashMap::new();
    for device in &plan.devices {
        for step in &device.actions {
            if let (StepKind::Manual, Some(ja)) = (step.kind, &step.text_ja) {
                let ja = match step.phase {
                    Phase::Rollback => format!("切り戻し: {ja}"),
                    _ => ja.clone(),
                };
                scripted.insert(manual_text(step), ja);
            }
        }
    }
    let localized = |text: &str| match scripted.get(text) {
        Some(ja) => ja.clone(),
        None => manual_step(text, lang),
    };
    let has_japanese = |f: &Finding| f.clone().use_japanese();
    let changes = plan
        .devices
        .iter()
        .flat_map(|d| &d.manual)
        .chain(plan.manual.iter().map(|m| &m.text))
        .any(|text| localized(text) != *text)
        || plan
            .devices
            .iter()
            .flat_map(|d| &d.findings)
            .chain(&plan.findings)
            .any(has_japanese);
    if !changes {
        return Cow::Borrowed(plan);
    }
    let mut plan = plan.clone();
    // The approvals the plan requires, keyed as the findings give them.
    let mut reasons: HashMap<(Option<String>, String, String), String> = HashMap::new();
    for device in &mut plan.devices {
        for text in &mut device.manual {
            *text = localized(text);
        }
    }
    for finding in plan
        .devices
        .iter_mut()
        .flat_map(|d| d.findings.iter_mut())
        .chain(plan.findings.iter_mut())
    {
        if let FindingKind::Approval {
            role,
            reason,
            reason_ja: Some(ja),
        } = &finding.kind
        {
            let key = (finding.device.clone(), role.clone(), reason.clone());
            reasons.insert(key, ja.clone());
        }
        finding.use_japanese();
    }
    for approval in &mut plan.approvals_required {
        let key = (
            approval.device.clone(),
            approval.role.clone(),
            approval.reason.clone(),
        );
        if let Some(ja) = reasons.get(&key) {
            approval.reason.clone_from(ja);
        }
    }
    for step in &mut plan.manual {
        step.text = localized(&step.text);
    }
    Cow::Owned(plan)
}

/// Returns one manual step's text in `lang`.
pub fn manual_step(text: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return text.to_string();
    }
    japanese(text).unwrap_or_else(|| text.to_string())
}

/// The reason in Japanese, or as written when the tables have none.
fn reason(text: &str) -> String {
    if let Some(ja) = reason_ja(text) {
        return ja.to_string();
    }
    if text == "a one-off action, not a setting; run it by hand if it is still wanted" {
        return "設定ではなく一度限りの操作です。まだ必要なら手作業で実行してください".to_string();
    }
    text.to_string()
}

fn japanese(text: &str) -> Option<String> {
    if let Some(rest) = text
        .strip_prefix("rollback: ")
        .or_else(|| text.strip_prefix("to roll back: "))
    {
        return Some(format!(
            "切り戻し: {}",
            japanese(rest).unwrap_or_else(|| reason(rest))
        ));
    }
    if let Some(platform) = text.strip_suffix(
        " has no command-line remediation: apply and rollback steps for this device come from scripts",
    ) {
        return Some(format!(
            "{platform} にはコマンドラインでの修正手順がありません。この機器の適用・切り戻し手順はスクリプトが出します"
        ));
    }
    if let Some(rest) = text.strip_prefix("no rule gives commands for ") {
        return missing_commands(rest);
    }
    // `VERB `LINE` at SECTION: REASON` (ios, fortios), `VERB `PATH`: REASON`
    // (junos), or `` `LINE` at SECTION: REASON `` (a one-off action).
    let (verb, rest) = match text.split_once(' ') {
        Some((verb, rest)) if rest.starts_with('`') => (Some(verb), rest),
        _ if text.starts_with('`') => (None, text),
        _ => return None,
    };
    let rest = rest.strip_prefix('`')?;
    let (line, rest) = rest.split_once('`')?;
    let (section, why) = match rest.strip_prefix(" at ") {
        Some(at) => {
            let (section, why) = at.split_once(": ")?;
            (Some(section), why)
        }
        None => (None, rest.strip_prefix(": ")?),
    };
    let action = match verb {
        None => "",
        Some("remove" | "delete") => "を削除",
        Some("add") => "を追加",
        Some("set") => "を設定",
        Some("change") => "を変更",
        Some(_) => return None,
    };
    let place = match section {
        None => String::new(),
        Some("top level" | "the top level") => "最上位 の ".to_string(),
        Some(s) => format!("{s} の "),
    };
    let subject = if action.is_empty() {
        format!("`{line}`")
    } else {
        format!("`{line}` {action}")
    };
    Some(format!("{place}{subject}: {}", reason(why)))
}

/// `NAME (DIALECT): edit CONFIG on the device: EDITS[; and N more …]`.
fn missing_commands(rest: &str) -> Option<String> {
    let (head, edits) = rest.split_once(" on the device: ")?;
    let (device, config) = head.split_once(": edit ")?;
    let (edits, more) = match edits.rsplit_once("; and ") {
        Some((edits, tail)) => {
            let count = tail.strip_suffix(" more change(s), as listed in the plan")?;
            (
                edits,
                format!("。ほか {count} 件（計画書の変更一覧を参照）"),
            )
        }
        None => (edits, String::new()),
    };
    let edits = edits
        .replace(" (undo: remove it)", "（戻すときは削除）")
        .replace(" (undo: put it back)", "（戻すときは元に戻す）")
        .replace(
            " to its intended position (undo: move it back)",
            " を想定の位置へ移動（戻すときは元の位置へ）",
        );
    Some(format!(
        "{device} の投入コマンドを生成する規則がありません。機器上で {config} を編集してください: {edits}{more}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ja(text: &str) -> String {
        manual_step(text, Lang::Ja)
    }

    #[test]
    fn engine_steps_read_in_japanese() {
        assert_eq!(
            ja("remove `crypto key generate rsa` at top level: key material is generated or imported on the device, never pasted from a plan"),
            "最上位 の `crypto key generate rsa` を削除: 鍵は機器上で生成またはインポートします。計画書から貼り付けることはしません"
        );
        assert_eq!(
            ja("set `security pki ca-profile x`: certificates and key pairs are loaded on the device (request security pki …), not pasted"),
            "`security pki ca-profile x` を設定: 証明書と鍵ペアは機器上で読み込みます（request security pki …）。貼り付けはしません"
        );
        assert_eq!(
            ja("`execute reboot` at `config system`: a one-off action, not a setting; run it by hand if it is still wanted"),
            "`config system` の `execute reboot`: 設定ではなく一度限りの操作です。まだ必要なら手作業で実行してください"
        );
        assert!(
            ja("rollback: trustpoint changes re-enroll certificates; change them by hand")
                .starts_with("切り戻し: トラストポイント")
        );
        assert_eq!(
            ja("vmware has no command-line remediation: apply and rollback steps for this device come from scripts"),
            "vmware にはコマンドラインでの修正手順がありません。この機器の適用・切り戻し手順はスクリプトが出します"
        );
        let note = ja("no rule gives commands for vm1 (yaml): edit vms/vm1.yaml on the device: add 'cpu: 4' (undo: remove it); and 3 more change(s), as listed in the plan");
        assert_eq!(
            note,
            "vm1 (yaml) の投入コマンドを生成する規則がありません。機器上で vms/vm1.yaml を編集してください: add 'cpu: 4'（戻すときは削除）。ほか 3 件（計画書の変更一覧を参照）"
        );
    }

    #[test]
    fn unknown_steps_and_english_stay_as_written() {
        assert_eq!(ja("call the storage team"), "call the storage team");
        let text = "remove `x` at y: a reason from the store's own table";
        assert_eq!(
            ja(text),
            "y の `x` を削除: a reason from the store's own table"
        );
        assert_eq!(manual_step(text, Lang::En), text);
    }
}
