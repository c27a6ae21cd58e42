//! `ec2-tutor`: parse the arguments, run, exit with the code (SPEC §2).
use clap::Parser;

fn main() {
    let cli = ec2_tutor::cli::Cli::parse();
    std::process::exit(ec2_tutor::cli::run(cli));
}
