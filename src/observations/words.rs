//! `Display` for the observation enums: each writes its JSON (serde) name, e.g. `error_code`, so the
//! text report and the `-v` trace say what the JSON says and never carry Debug text (`ErrorCode`).

use std::fmt;

/// Implements `Display` as the serde name of a unit variant. After `pad:` the name honours a width
/// and alignment (`{:<28}`, for the text report's columns); the others write it as is.
macro_rules! display_as_serde_name {
    (pad: $($t:ty),* $(,)?) => { display_as_serde_name!(@with pad; $($t),*); };
    (@with $write:ident; $($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match serde_json::to_value(self) {
                    Ok(serde_json::Value::String(s)) => f.$write(&s),
                    // Unit variants always serialise to a string; keep Display total anyway.
                    _ => f.$write("?"),
                }
            }
        }
    )*};
    ($($t:ty),* $(,)?) => { display_as_serde_name!(@with write_str; $($t),*); };
}

display_as_serde_name!(
    super::gateway::GatewayTransport,
    super::gateway::GatewayStage,
    super::gateway::StageOutcome,
    super::LayerStatus,
    super::ConnectOutcome,
    super::NegOutcome,
    super::CredsspOutcome,
    super::CertTrustDecision,
    super::AuthOutcome,
    super::TlsScanMode,
    super::HandshakeOutcome,
    super::SessionEnd,
    super::StageOutcome,
    super::LightStage,
    super::FailureKind,
);

// The text report puts these in padded columns.
display_as_serde_name!(
    pad: super::SessionStage,
    super::FrameKind,
    super::LogonMode,
    super::SecurityPackage,
    super::LogonStage,
    super::CertificateSource,
);

/// One TLS connection's outcome: its JSON `kind` and the fields that say what came back.
impl fmt::Display for super::tls::ConnOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use super::tls::ConnOutcome as C;
        match self {
            C::ServerHello { version, suite, hello_retry_request } => write!(
                f,
                "server_hello version 0x{version:04X} suite 0x{suite:04X}{}",
                if *hello_retry_request { " (HelloRetryRequest)" } else { "" }
            ),
            C::Alert { level, description } => write!(f, "alert level {level} description {description}"),
            C::Closed { bytes } => write!(f, "closed after {bytes} bytes"),
            C::Reset { bytes } => write!(f, "reset after {bytes} bytes"),
            C::Timeout { bytes } => write!(f, "timeout after {bytes} bytes"),
            C::NotTls { first_bytes } => write!(f, "not_tls (first bytes {first_bytes})"),
            C::Malformed { reason } => write!(f, "malformed: {reason}"),
            C::ConnectFailed { error } => write!(f, "connect_failed: {error}"),
            C::Skipped => f.write_str("skipped"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{
        CertTrustDecision, CertificateSource, CredsspOutcome, FrameKind, LogonMode, LogonStage, SessionStage,
        gateway::GatewayStage,
    };

    #[test]
    fn display_is_the_json_name() {
        assert_eq!(CredsspOutcome::ErrorCode.to_string(), "error_code");
        assert_eq!(CertTrustDecision::AcceptAny.to_string(), "accept_any");
        assert_eq!(GatewayStage::ChannelCreate.to_string(), serde_json::to_value(GatewayStage::ChannelCreate).unwrap());
        assert_eq!(SessionStage::McsConnect.to_string(), "mcs_connect");
        assert_eq!(SessionStage::X224.to_string(), "x224");
        assert_eq!(format!("{:<8}|", SessionStage::Tls), "tls     |");
        assert_eq!(LogonStage::PubKeyAuth.to_string(), "pub_key_auth");
        assert_eq!(LogonMode::RestrictedAdmin.to_string(), "restricted_admin");
        assert_eq!(CertificateSource::Scan.to_string(), "scan");
        assert_eq!(FrameKind::DisconnectProviderUltimatum.to_string(), "disconnect_provider_ultimatum");
    }
}
