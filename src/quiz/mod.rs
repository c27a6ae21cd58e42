//! Quizzes: question files and their validation, generated questions, sessions (selection,
//! shuffling, grading, exam scoring), spaced repetition, and the `quiz` command.
//!
//! Layering: `question`, `topo`, `dice` know nothing of the others; `generate` builds on
//! them and the engines; `session` is pure (seed and clock come in); `schedule` is the one
//! module here that touches the progress store; `run` does the terminal I/O.

pub mod dice;
pub mod generate;
pub mod question;
pub mod run;
pub mod schedule;
pub mod session;
pub mod text;
pub mod topo;
