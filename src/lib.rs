//! rdp-doctor: finds out why a Remote Desktop connection fails.

pub mod explain;
pub mod knowledge;
