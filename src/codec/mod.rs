//! The wire formats rdp-doctor speaks, sans I/O: bytes in, values out, and back. Both sides use them:
//! the probe (as the client) and the lab (as the server), as IronRDP keeps its codecs in `ironrdp-pdu`.
//!
//! Nothing here touches a socket, a clock or a file: every function is pure and every read of a
//! length field is bounded by a named cap. The async drivers that own sockets and deadlines live in
//! `probe` (and the lab's servers in `lab`). `tests/it/architecture.rs` checks both rules.
//!
//! Every byte here may come from a hostile peer, so indexing, truncating casts, `unwrap` and `expect`
//! are denied: a read is `.get()`, a narrowing is `try_from`, and where an invariant truly holds the
//! site says why in a local `allow`.
#![deny(clippy::indexing_slicing, clippy::cast_possible_truncation, clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(
    test,
    allow(clippy::indexing_slicing, clippy::cast_possible_truncation, clippy::unwrap_used, clippy::expect_used)
)]

pub mod ntlm;
pub mod session;
pub mod tls;
pub mod tsgu;
pub mod tsrequest;
pub mod x224;

/// A length for a length field of a message we build: saturating, never wrapping (every message the
/// probe and the lab build is far below the field's limit; a cap that bounds one is stated there).
pub(crate) fn len_u8(n: usize) -> u8 {
    u8::try_from(n).unwrap_or(u8::MAX)
}

/// See [`len_u8`].
pub(crate) fn len_u16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// See [`len_u8`].
pub(crate) fn len_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
