#!/bin/sh
# Runs every fuzz target for a bounded time, one after another, one process each.
#
#   fuzz/run.sh [SECONDS] [TARGET...]     (default: 60 seconds, all four targets)
#
# Needs cargo-fuzz, pinned here: cargo install cargo-fuzz --version 0.13.2 --locked
# On stable Rust there is no AddressSanitizer (it needs nightly), so the targets build with
# `--sanitizer none`: Rust's own checks (bounds, overflow in debug assertions, panics) are
# what the fuzzer catches, plus libFuzzer's time and memory limits below.
#
# Each target starts from its committed corpus, fuzz/corpus/<target>/; new inputs that
# libFuzzer finds go to fuzz/corpus-new/<target>/ (not committed; minimise them into the
# committed corpus with `-merge=1` if they are worth keeping). A crash stops the run and
# leaves its input in fuzz/artifacts/<target>/.
set -eu
cd "$(dirname "$0")"
secs=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-words session scenario questions}
cargo fuzz build --sanitizer none -O
for t in $targets; do
    mkdir -p "corpus/$t" "corpus-new/$t" "artifacts/$t"
    echo "== $t: $secs s"
    "target/x86_64-unknown-linux-gnu/release/$t" \
        -timeout=2 -rss_limit_mb=1024 -max_total_time="$secs" -print_final_stats=1 \
        -artifact_prefix="artifacts/$t/" "corpus-new/$t" "corpus/$t"
done
