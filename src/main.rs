//! `ec2-tutor`: parse the arguments, run, exit with the code (SPEC §2).
use clap::Parser;

fn main() {
    // Die quietly on a closed pipe (`ec2-tutor schema scenario | head`), as other Unix tools do,
    // instead of panicking in println!.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = ec2_tutor::cli::Cli::parse();
    std::process::exit(ec2_tutor::cli::run(cli));
}
