//! The reports for people: HTML (self-contained, every step, renders in a
//! browser), xlsx (read back), and no secret anywhere.

use super::fixture::*;

#[test]
fn reports_hold_every_step_and_no_secret() {
    let env = setup();
    let plan = plan(
        &env,
        "rules",
        "plan.json",
        &["--html", "plan.html", "--xlsx", "plan.xlsx", "--lang", "ja"],
    );
    let html = std::fs::read_to_string(env.join("plan.html")).unwrap();
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(html.contains("<svg") && html.contains("切り戻し"));
    for step in steps(&plan) {
        let escaped = step
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;");
        assert!(html.contains(&escaped), "html lacks {step}");
    }

    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(env.join("plan.xlsx")).unwrap();
    assert!(book.sheet_names().contains(&"作業手順書".to_string()));
    let range = book.worksheet_range("作業手順書").unwrap();
    let cells: Vec<String> = range
        .rows()
        .flat_map(|r| r.iter())
        .filter_map(|c| match c {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    for step in steps(&plan) {
        assert!(cells.iter().any(|c| c.contains(&step)), "xlsx lacks {step}");
    }

    let text = env
        .henko()
        .args([
            "plan",
            "v1",
            "v2",
            "--no-default-scripts",
            "--scripts",
            "rules",
        ])
        .output()
        .unwrap();
    let markdown = env
        .henko()
        .args([
            "plan",
            "v1",
            "v2",
            "--no-default-scripts",
            "--scripts",
            "rules",
            "--format",
            "markdown",
        ])
        .output()
        .unwrap();
    let json = std::fs::read_to_string(env.join("plan.json")).unwrap();
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    let markdown = String::from_utf8_lossy(&markdown.stdout).to_string();
    for (name, output) in [
        ("json", &json),
        ("html", &html),
        ("text", &text),
        ("markdown", &markdown),
    ] {
        for secret in [SECRET_OLD, SECRET_NEW, "OldSecretValue", "NewSecretValue"] {
            assert!(!output.contains(secret), "{name} shows a secret");
        }
    }
    assert!(
        !cells.iter().any(|c| c.contains("SecretValue")),
        "xlsx shows a secret"
    );
}

#[test]
fn html_renders_in_a_headless_browser() {
    let chromium = std::path::Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        eprintln!("notice: /usr/bin/chromium is not installed; skipping the browser test");
        return;
    }
    let env = setup();
    plan(
        &env,
        "rules",
        "plan.json",
        &["--html", "plan.html", "--lang", "ja"],
    );
    let profile = env.mkdir("chromium-profile");
    let shot = env.join("plan.png");
    let status = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", env.join("plan.html").display()))
        .status()
        .expect("run chromium");
    assert!(status.success());
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(png.len() > 10_000, "screenshot is {} bytes", png.len());
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
}
