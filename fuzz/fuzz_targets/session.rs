//! `Session::execute` on arbitrary lines against a scenario of the built-in bank: the AWS
//! commands, `--query` and `--output` rendering, and the tutor commands. The first byte picks
//! the scenario; every line runs, and its output is rendered as text and as JSON.
#![no_main]

use ec2_tutor::render::text::{render, Style};
use ec2_tutor::scenario::Scenario;
use ec2_tutor::session::Session;
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};

fn scenarios() -> &'static [Arc<Scenario>] {
    static BANK: OnceLock<Vec<Arc<Scenario>>> = OnceLock::new();
    BANK.get_or_init(|| {
        ec2_tutor::bank::load_scenarios(&[])
            .expect("the built-in bank loads")
            .scenarios
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let all = scenarios();
    let scenario = all[pick as usize % all.len()].clone();
    let Ok(mut session) = Session::new(scenario, pick as u64) else {
        return;
    };
    for line in text.lines().take(64) {
        let out = session.execute(line);
        let _ = render(&out, Style::PLAIN, session.clock);
        let _ = out.to_json();
        let _ = out.error_json();
    }
    let _ = session.grade();
});
