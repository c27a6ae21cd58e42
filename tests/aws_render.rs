//! `--output json|text|table` rendered exactly as the AWS CLI renders them. The expected
//! files in tests/aws_render/ were produced by awscli's own formatters (awscli 1.45,
//! `oracle.py` beside them) from the `*.in.json` responses, 80 columns wide.

use ec2_tutor::aws::OutputFormat;
use ec2_tutor::render::aws::render_as;
use std::fs;
use std::path::Path;

#[test]
fn render_matches_awscli() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/aws_render");
    let mut checked = 0;
    let mut entries: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".in.json"))
        .collect();
    entries.sort();
    for input in entries {
        let text = fs::read_to_string(&input).unwrap_or_else(|e| panic!("{e}"));
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
        let op = doc["operation"].as_str().unwrap_or_default();
        let base = input
            .to_string_lossy()
            .trim_end_matches(".in.json")
            .to_string();
        for (ext, fmt) in [
            ("json", OutputFormat::Json),
            ("text", OutputFormat::Text),
            ("table", OutputFormat::Table),
        ] {
            let want = fs::read_to_string(format!("{base}.{ext}"))
                .unwrap_or_else(|e| panic!("{base}.{ext}: {e}"));
            let got = render_as(fmt, op, &doc["response"], 80);
            assert_eq!(got, want, "{base}.{ext}");
            checked += 1;
        }
    }
    assert!(checked >= 27, "{checked}");
}
