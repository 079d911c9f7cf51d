//! SSPI, Schannel and certificate HRESULTs that Remote Desktop users meet in dialogs and event logs.
//! Values from [MS-ERREF] 2.1.1 (winerror.h).

use super::{Basis, Cause, Entry, Layer, TableId};

const SRC: &str = "[MS-ERREF] 2.1.1 HRESULT Values (winerror.h)";

const fn h(value: u32, name: &'static str, meaning: &'static str, layer: Layer, causes: &'static [Cause]) -> Entry {
    Entry {
        table: TableId::SspiHresult,
        value,
        name,
        meaning,
        source: SRC,
        basis: Basis::Documented,
        layer: Some(layer),
        causes,
        note: None,
    }
}

const fn hn(
    value: u32,
    name: &'static str,
    meaning: &'static str,
    layer: Option<Layer>,
    causes: &'static [Cause],
    note: &'static str,
) -> Entry {
    Entry {
        table: TableId::SspiHresult,
        value,
        name,
        meaning,
        source: SRC,
        basis: Basis::Documented,
        layer,
        causes,
        note: Some(note),
    }
}

const CREDS: &[Cause] = &[Cause {
    text: "Wrong, missing or unusable credentials for NLA",
    check: "rdp-doctor diagnose HOST --user USER: the CredSSP stage reports the server's status",
}];

const CERT_TRUST: &[Cause] = &[
    Cause {
        text: "The server uses a self-signed or privately issued certificate the client does not trust",
        check: "rdp-doctor diagnose HOST: the TLS stage shows the certificate's issuer, names and dates",
    },
    Cause {
        text: "The name used to connect is not in the certificate",
        check: "Compare the host name you typed with the certificate's subject and SAN (rdp-doctor diagnose HOST)",
    },
];

const TLS_MISMATCH: &[Cause] = &[
    Cause {
        text: "No TLS version in common (for example the server only has TLS 1.0 and the client disabled it, or the reverse)",
        check: "rdp-doctor diagnose HOST: the TLS stage lists the versions the server accepts",
    },
    Cause {
        text: "No cipher suite in common (hardened cipher order on one side)",
        check: "rdp-doctor diagnose HOST: the TLS stage lists accepted cipher suites",
    },
];

const KERBEROS: &[Cause] = &[
    Cause {
        text: "Kerberos cannot find the server's account (name not registered as SPN, IP address used instead of the name)",
        check: "Connect by the server's DNS name; check the SPN TERMSRV/HOST with setspn -Q",
    },
    Cause { text: "No domain controller reachable", check: "From the client run nltest /dsgetdc:DOMAIN" },
];

/// Sorted by value.
pub static SSPI_HRESULTS: &[Entry] = &[
    h(
        0x8009_0300,
        "SEC_E_INSUFFICIENT_MEMORY",
        "Not enough memory to complete the security operation.",
        Layer::Client,
        &[],
    ),
    h(0x8009_0301, "SEC_E_INVALID_HANDLE", "The security handle given is not valid.", Layer::Client, &[]),
    hn(
        0x8009_0302,
        "SEC_E_UNSUPPORTED_FUNCTION",
        "The function requested is not supported.",
        None,
        &[
            Cause {
                text: "CredSSP encryption oracle remediation: an updated client meets a server without the 2018 CredSSP update (AllowEncryptionOracle = Mitigated)",
                check: "rdp-doctor diagnose HOST --user USER: a server CredSSP version below 5 confirms; update the server (see explain --list encryption-oracle)",
            },
            Cause {
                text: "No TLS version in common between client and server (for example TLS 1.0 disabled on one side only)",
                check: "rdp-doctor diagnose HOST: the TLS stage lists the versions the server accepts",
            },
        ],
        "The same number is shown for two unrelated failures: the CredSSP encryption-oracle remediation and a TLS version mismatch, so it names no single layer. Only a probe tells them apart.",
    ),
    h(
        0x8009_0303,
        "SEC_E_TARGET_UNKNOWN",
        "The target (server principal) is unknown or unreachable.",
        Layer::Credssp,
        KERBEROS,
    ),
    h(
        0x8009_0304,
        "SEC_E_INTERNAL_ERROR",
        "The Local Security Authority cannot be contacted or failed internally.",
        Layer::Credssp,
        &[Cause {
            text: "The server's TLS certificate or its private key is unusable, so Schannel fails",
            check: "rdp-doctor diagnose HOST: a TLS handshake failure right after ClientHello points to the server certificate",
        }],
    ),
    h(0x8009_0305, "SEC_E_SECPKG_NOT_FOUND", "The requested security package does not exist.", Layer::Credssp, &[]),
    h(
        0x8009_0308,
        "SEC_E_INVALID_TOKEN",
        "The token given to the security function is not valid.",
        Layer::Credssp,
        &[],
    ),
    h(0x8009_030C, "SEC_E_LOGON_DENIED", "The logon attempt failed.", Layer::Credssp, CREDS),
    h(0x8009_030D, "SEC_E_UNKNOWN_CREDENTIALS", "The credentials supplied were not recognised.", Layer::Credssp, CREDS),
    h(
        0x8009_030E,
        "SEC_E_NO_CREDENTIALS",
        "No credentials are available in the security package.",
        Layer::Credssp,
        CREDS,
    ),
    h(0x8009_030F, "SEC_E_MESSAGE_ALTERED", "A message was altered (integrity check failed).", Layer::Tls, &[]),
    h(
        0x8009_0311,
        "SEC_E_NO_AUTHENTICATING_AUTHORITY",
        "No authority could be contacted for authentication.",
        Layer::Credssp,
        KERBEROS,
    ),
    h(0x8009_0317, "SEC_E_CONTEXT_EXPIRED", "The security context has expired.", Layer::Credssp, &[]),
    h(0x8009_0318, "SEC_E_INCOMPLETE_MESSAGE", "The message received was incomplete.", Layer::Tls, &[]),
    h(0x8009_0322, "SEC_E_WRONG_PRINCIPAL", "The target principal name is incorrect.", Layer::Credssp, KERBEROS),
    h(
        0x8009_0324,
        "SEC_E_TIME_SKEW",
        "The clocks on the client and server machines differ too much.",
        Layer::Credssp,
        &[Cause {
            text: "Clock difference above five minutes between client, server or domain controller",
            check: "Compare the clocks (w32tm /stripchart) and fix time synchronisation",
        }],
    ),
    h(
        0x8009_0325,
        "SEC_E_UNTRUSTED_ROOT",
        "The certificate chain was issued by an authority that is not trusted.",
        Layer::Tls,
        CERT_TRUST,
    ),
    h(
        0x8009_0326,
        "SEC_E_ILLEGAL_MESSAGE",
        "The message received was unexpected or badly formatted (often a TLS alert).",
        Layer::Tls,
        TLS_MISMATCH,
    ),
    h(
        0x8009_0327,
        "SEC_E_CERT_UNKNOWN",
        "An unknown error occurred while processing the certificate.",
        Layer::Tls,
        CERT_TRUST,
    ),
    h(
        0x8009_0328,
        "SEC_E_CERT_EXPIRED",
        "The received certificate has expired.",
        Layer::Tls,
        &[Cause {
            text: "The server's Remote Desktop certificate is past its end date",
            check: "rdp-doctor diagnose HOST: the TLS stage shows the certificate's validity dates; renew it",
        }],
    ),
    h(0x8009_0330, "SEC_E_DECRYPT_FAILURE", "The specified data could not be decrypted.", Layer::Tls, &[]),
    h(
        0x8009_0331,
        "SEC_E_ALGORITHM_MISMATCH",
        "Client and server cannot communicate because they have no algorithm in common.",
        Layer::Tls,
        TLS_MISMATCH,
    ),
    h(
        0x8009_033A,
        "SEC_E_STRONG_CRYPTO_NOT_SUPPORTED",
        "Strong cryptography is not supported by the package.",
        Layer::Tls,
        TLS_MISMATCH,
    ),
    h(
        0x8009_033E,
        "SEC_E_SMARTCARD_LOGON_REQUIRED",
        "Smart card logon is required and was not used.",
        Layer::Credssp,
        CREDS,
    ),
    h(0x8009_0346, "SEC_E_BAD_BINDINGS", "The client's supplied channel bindings were incorrect.", Layer::Credssp, &[]),
    h(
        0x8009_0349,
        "SEC_E_CERT_WRONG_USAGE",
        "The certificate is not valid for the requested usage.",
        Layer::Tls,
        CERT_TRUST,
    ),
    h(
        0x8009_0350,
        "SEC_E_DOWNGRADE_DETECTED",
        "The system detected a possible attempt to weaken security.",
        Layer::Credssp,
        &[],
    ),
    h(
        0x8009_035E,
        "SEC_E_DELEGATION_POLICY",
        "The credentials may not be delegated to this server by policy.",
        Layer::Credssp,
        &[Cause {
            text: "The client's credential delegation policy does not include this server (for example 'Allow delegating saved credentials' with NTLM-only authentication)",
            check: "Check the client's Credentials Delegation policies for TERMSRV/HOST",
        }],
    ),
    h(
        0x8009_035F,
        "SEC_E_POLICY_NLTM_ONLY",
        "Policy forbids delegation because only NTLM could be used (the header's spelling).",
        Layer::Credssp,
        KERBEROS,
    ),
    h(
        0x8009_0363,
        "SEC_E_MUTUAL_AUTH_FAILED",
        "The server could not be authenticated (mutual authentication failed).",
        Layer::Credssp,
        KERBEROS,
    ),
    h(0x8009_0367, "SEC_E_APPLICATION_PROTOCOL_MISMATCH", "No application protocol in common (ALPN).", Layer::Tls, &[]),
    h(
        0x8009_2012,
        "CRYPT_E_NO_REVOCATION_CHECK",
        "The revocation function could not check revocation for the certificate.",
        Layer::Tls,
        &[Cause {
            text: "The client cannot reach the certificate's CRL or OCSP address",
            check: "From the client, fetch the CRL distribution point URL of the server certificate",
        }],
    ),
    h(
        0x8009_2013,
        "CRYPT_E_REVOCATION_OFFLINE",
        "Revocation could not be checked because the revocation server was offline.",
        Layer::Tls,
        &[Cause {
            text: "The client cannot reach the certificate's CRL or OCSP address",
            check: "From the client, fetch the CRL distribution point URL of the server certificate",
        }],
    ),
    h(
        0x800B_0101,
        "CERT_E_EXPIRED",
        "A certificate in the chain is outside its validity period.",
        Layer::Tls,
        CERT_TRUST,
    ),
    h(
        0x800B_0109,
        "CERT_E_UNTRUSTEDROOT",
        "The chain ends in a root certificate that is not trusted.",
        Layer::Tls,
        CERT_TRUST,
    ),
    h(
        0x800B_010F,
        "CERT_E_CN_NO_MATCH",
        "The certificate's name does not match the name connected to.",
        Layer::Tls,
        CERT_TRUST,
    ),
];
