//! failureCode of the RDP Negotiation Failure ([MS-RDPBCGR] 2.2.1.2.2), the server's answer to the
//! client's X.224 Connection Request when it cannot accept any of the protocols the client asked for.

use super::{Basis, Cause, Entry, Layer, TableId};

const SRC: &str = "[MS-RDPBCGR] 2.2.1.2.2 RDP Negotiation Failure (RDP_NEG_FAILURE)";

const fn n(value: u32, name: &'static str, meaning: &'static str, causes: &'static [Cause]) -> Entry {
    Entry {
        table: TableId::NegFailure,
        value,
        name,
        meaning,
        source: SRC,
        basis: Basis::Documented,
        layer: Some(Layer::Negotiation),
        causes,
        note: None,
    }
}

/// Sorted by value.
pub static NEG_FAILURES: &[Entry] = &[
    n(
        1,
        "SSL_REQUIRED_BY_SERVER",
        "The server only accepts TLS-protected connections (it requires Enhanced RDP Security) and the client offered only Standard RDP Security.",
        &[Cause {
            text: "The client disabled TLS / NLA (old client, or a setting such as 'authentication level' or FreeRDP's /sec:rdp)",
            check: "rdp-doctor diagnose HOST: the negotiation stage lists which protocols the server accepts",
        }],
    ),
    n(
        2,
        "SSL_NOT_ALLOWED_BY_SERVER",
        "The server only accepts Standard RDP Security and refuses TLS.",
        &[Cause {
            text: "The server's security layer is set to 'RDP' (legacy) by policy",
            check: "Check the server's 'Require use of specific security layer' policy; rdp-doctor diagnose HOST shows the selected protocol",
        }],
    ),
    n(
        3,
        "SSL_CERT_NOT_ON_SERVER",
        "The server was asked for TLS but has no usable certificate for it.",
        &[Cause {
            text: "The server's Remote Desktop certificate is missing, expired, or its private key is unreadable",
            check: "On the server inspect Certificates (Local Computer) > Remote Desktop and the key permissions; delete a bad one so it is recreated",
        }],
    ),
    n(
        4,
        "INCONSISTENT_FLAGS",
        "The list of protocols the client asked for is inconsistent (for example NLA without TLS).",
        &[Cause {
            text: "A client bug or a hand-edited request",
            check: "Try another client; rdp-doctor diagnose HOST sends well-formed requests",
        }],
    ),
    n(
        5,
        "HYBRID_REQUIRED_BY_SERVER",
        "The server requires Network Level Authentication (CredSSP) and the client did not offer it.",
        &[Cause {
            text: "The client has NLA / CredSSP disabled (old client, FreeRDP /sec:tls, or 'enablecredsspsupport:i:0' in the .rdp file)",
            check: "Enable NLA on the client; rdp-doctor diagnose HOST --user USER tests the CredSSP step",
        }],
    ),
    n(
        6,
        "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER",
        "The server requires TLS with client certificate authentication, which the client did not offer.",
        &[Cause {
            text: "The server's security policy requires TLS with user (certificate) authentication",
            check: "Check the server's security layer settings; rdp-doctor diagnose HOST shows the negotiation answer",
        }],
    ),
];
