//! The integration tests, one binary (each file a module): the lab in-process, the real binary, and
//! behind `--features interop` the real servers `scripts/test.sh` starts. Shared helpers: `common`.

mod architecture;
mod client;
mod common;
mod credssp_freerdp;
mod evidence;
mod evidence_interop;
mod explain;
mod fixtures_x224;
mod folk_causes;
mod folk_causes_freerdp;
mod gateway_interop;
mod gateway_rdpfile;
mod gateway_xfreerdp;
mod interop;
mod interop_tls;
mod lab;
mod lab_credssp;
mod lab_gateway;
mod lab_hostile;
mod lab_session;
mod lab_tls;
mod network;
mod real_links;
mod report_identity;
mod scan;
mod serve;
mod session_interop;
mod slow_resolver;
mod tls_scan;
mod watch;
