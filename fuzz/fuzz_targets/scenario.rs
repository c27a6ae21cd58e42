//! Scenario loading: YAML with budgets → schema → validation. Every input is either a
//! scenario or a located error; the bank rules (hints, solution, debrief) are tried too.
#![no_main]

use ec2_tutor::scenario::load::load_scenario;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match load_scenario("fuzz.yaml", text, data.first().is_some_and(|b| b & 1 == 1)) {
        Ok(s) => {
            // A scenario that loads must start a session.
            let _ = ec2_tutor::session::Session::new(std::sync::Arc::new(s), 0);
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
