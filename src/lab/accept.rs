//! The accept loop every lab listener runs: it lives in [`crate::net`], shared with the probe's
//! gateway forwarder (the lab must not import the probe, nor the probe the lab).

pub use crate::net::{Backoff, Listen, accept_loop};
