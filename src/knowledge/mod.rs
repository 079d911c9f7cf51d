//! Knowledge tables: every code space rdp-doctor speaks of, as data with its source and basis.
//!
//! (Foundation stub: the full tables land with the `explain` work; the API is fixed.)

use serde::Serialize;

/// How well a statement is supported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    Documented,
    Observed,
    Inferred,
}

/// The layer of the connection a code or finding belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    Network,
    Negotiation,
    Tls,
    Credssp,
    Session,
    Licensing,
    Gateway,
    Client,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TableId {
    DiscReason,
    ErrorInfo,
    NegFailure,
}

#[derive(Debug, Serialize)]
pub struct Cause {
    pub text: &'static str,
    pub check: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Entry {
    pub table: TableId,
    pub value: u32,
    pub name: &'static str,
    pub meaning: &'static str,
    pub source: &'static str,
    pub basis: Basis,
    pub layer: Option<Layer>,
    pub causes: &'static [Cause],
    pub note: Option<&'static str>,
}

const NEG: &str = "[MS-RDPBCGR] 2.2.1.2.2 RDP Negotiation Failure (RDP_NEG_FAILURE)";

static NEG_FAILURE: &[Entry] = &[
    Entry { table: TableId::NegFailure, value: 1, name: "SSL_REQUIRED_BY_SERVER", meaning: "The server requires Enhanced RDP Security with TLS 1.0, 1.1 or 1.2.", source: NEG, basis: Basis::Documented, layer: Some(Layer::Negotiation), causes: &[], note: None },
    Entry { table: TableId::NegFailure, value: 2, name: "SSL_NOT_ALLOWED_BY_SERVER", meaning: "The server is configured to use only Standard RDP Security.", source: NEG, basis: Basis::Documented, layer: Some(Layer::Negotiation), causes: &[], note: None },
    Entry { table: TableId::NegFailure, value: 3, name: "SSL_CERT_NOT_ON_SERVER", meaning: "The server has no valid authentication certificate.", source: NEG, basis: Basis::Documented, layer: Some(Layer::Negotiation), causes: &[], note: None },
    Entry { table: TableId::NegFailure, value: 4, name: "INCONSISTENT_FLAGS", meaning: "The list of requested security protocols is not consistent with the server's security settings.", source: NEG, basis: Basis::Documented, layer: Some(Layer::Negotiation), causes: &[], note: None },
    Entry { table: TableId::NegFailure, value: 5, name: "HYBRID_REQUIRED_BY_SERVER", meaning: "The server requires CredSSP (Network Level Authentication).", source: NEG, basis: Basis::Documented, layer: Some(Layer::Negotiation), causes: &[], note: None },
    Entry { table: TableId::NegFailure, value: 6, name: "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER", meaning: "The server requires TLS with certificate-based client authentication.", source: NEG, basis: Basis::Documented, layer: Some(Layer::Negotiation), causes: &[], note: None },
];

pub fn table(id: TableId) -> &'static [Entry] {
    match id {
        TableId::NegFailure => NEG_FAILURE,
        _ => &[],
    }
}

pub fn lookup(table_id: TableId, value: u32) -> Option<&'static Entry> {
    table(table_id).iter().find(|e| e.value == value)
}

pub fn find_by_name(name: &str) -> Vec<&'static Entry> {
    NEG_FAILURE.iter().filter(|e| e.name.eq_ignore_ascii_case(name)).collect()
}
