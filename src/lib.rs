//! rdp-doctor: finds out why a Remote Desktop connection fails.

pub mod knowledge;
pub mod probe;
