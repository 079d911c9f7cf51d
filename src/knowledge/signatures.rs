//! Certificate signature algorithms: the usual name of each OID (RFC 8017 A.2.4, RFC 5758 3, RFC 8410
//! 3, RFC 3279 2.2) and the hash each uses, which decides whether a client still accepts it.

/// The usual name of a signature algorithm OID, or the OID itself.
pub fn signature_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.2" => "md2WithRSAEncryption",
        "1.2.840.113549.1.1.3" => "md4WithRSAEncryption",
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.14" => "sha224WithRSAEncryption",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.1" => "ecdsa-with-SHA224",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.2.840.10040.4.3" => "dsa-with-SHA1",
        "2.16.840.1.101.3.4.3.2" => "dsa-with-SHA256",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        "1.3.14.3.2.29" => "sha1WithRSASignature",
        other => return other.to_string(),
    }
    .to_string()
}

/// The hash a signature algorithm name uses, lower case (`sha1`, `md5`, `sha256`, ...), when known.
pub fn signature_hash(name: &str) -> Option<&'static str> {
    let n = name.to_ascii_lowercase();
    ["md2", "md4", "md5", "sha1", "sha224", "sha256", "sha384", "sha512"]
        .into_iter()
        .find(|h| n.starts_with(h) || n.contains(&format!("with-{h}")) || n.contains(&format!("-{h}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes() {
        assert_eq!(signature_hash("sha1WithRSAEncryption"), Some("sha1"));
        assert_eq!(signature_hash("ecdsa-with-SHA1"), Some("sha1"));
        assert_eq!(signature_hash("md5WithRSAEncryption"), Some("md5"));
        assert_eq!(signature_hash("sha256WithRSAEncryption"), Some("sha256"));
        assert_eq!(signature_hash("ecdsa-with-SHA384"), Some("sha384"));
        assert_eq!(signature_hash("dsa-with-SHA1"), Some("sha1"));
        assert_eq!(signature_hash("Ed25519"), None);
        assert_eq!(signature_name("1.2.840.113549.1.1.5"), "sha1WithRSAEncryption");
        assert_eq!(signature_name("1.2.3.4"), "1.2.3.4");
    }
}
