//! Questions: the file format and its validation (SPEC §7).

pub mod question;
