//! Question loading: YAML with budgets → schema → validation.
#![no_main]

use ec2_tutor::quiz::question::load_questions;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match load_questions("fuzz.yaml", text) {
        Ok(qs) => {
            let _ = qs.len();
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
