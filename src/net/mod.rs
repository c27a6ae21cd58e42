//! Addresses, ports, protocols and the sets built from them; flow evaluation with hops;
//! connection tracking; exposure sets.

pub mod compile;
pub mod conntrack;
pub mod endpoint;
pub mod exposure;
pub mod flow;
pub mod intervals;
pub mod region;
pub mod types;
