//! Rendering: text for people (with or without colour), JSON for machines, maps, and the
//! rule-by-rule explanation. Engines return data; only this module turns it into text.

pub mod aws;
pub mod explain;
pub mod map;
pub mod text;
