//! Standard RDP Security enumeration (placeholder, filled in below).
use crate::observations::RdpSecurityObs;
use crate::probe::ProbeContext;
use std::net::SocketAddr;

pub async fn enumerate(_addr: SocketAddr, _ctx: &ProbeContext) -> RdpSecurityObs {
    RdpSecurityObs { encryption_level: None, methods: Vec::new() }
}
