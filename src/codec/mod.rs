//! The wire formats rdp-doctor speaks, sans I/O: bytes in, values out, and back. Both sides use them:
//! the probe (as the client) and the lab (as the server), as IronRDP keeps its codecs in `ironrdp-pdu`.
//!
//! Nothing here touches a socket, a clock or a file: every function is pure and every read of a
//! length field is bounded by a named cap. The async drivers that own sockets and deadlines live in
//! `probe` (and the lab's servers in `lab`). `tests/it/architecture.rs` checks both rules.

pub mod ntlm;
pub mod session;
pub mod tls;
pub mod tsgu;
pub mod tsrequest;
pub mod x224;
