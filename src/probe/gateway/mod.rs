//! RD Gateway probe.
pub mod codec;
