#!/bin/sh
# Cold-start wall times of the release binary (the README's Performance section).
#
#   scripts/startup.sh            needs hyperfine (Debian: apt-get install hyperfine)
#
# `play` with empty piped input loads the bank, starts the session, prints the banner and its
# first prompt, then meets the end of input: its time is the time to the first prompt.
# `check` without a script grades the starting state (exit 1: goals unmet; -i accepts it).
set -eu
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/ec2-tutor
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
export NO_COLOR=1 EC2_TUTOR_DATA_DIR="$data"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
hyperfine -N -i --warmup 5 --runs 50 --export-markdown "$data/startup.md" \
    "$bin list" \
    "$bin" \
    "$bin play sg-least-privilege" \
    "$bin check sg-least-privilege" \
    "$bin play capstone-three-tier" >/dev/null
cat "$data/startup.md"
