//! The command line's first layers: POSIX word splitting, `--flag value…` grouping, and the
//! shorthand/JSON value parser, fed the same bytes. No panic, no hang.
#![no_main]

use ec2_tutor::aws::{cli::parse_flags, shorthand::parse_value, words::split_line};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    // The whole input as one value, as `--ip-permissions '…'` would pass it.
    let _ = parse_value(line);
    if let Ok(words) = split_line(line) {
        if let Ok(args) = parse_flags(&words) {
            for flag in &args.flags {
                for v in &flag.values {
                    let _ = parse_value(v);
                }
            }
        }
    }
});
