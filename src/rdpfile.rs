//! `.rdp` files as targets: mstsc saves them as UTF-16LE with a BOM, other tools as UTF-8; each line is
//! `name:type:value` (type `s` string, `i` integer, `b` binary). This module reads the settings that
//! decide how a connection is made (address, port, gateway, routing token, security) and says what each
//! implies. Pure: bytes in, settings out; every input is bounded and no byte panics.

use serde::Serialize;

/// The largest `.rdp` file read (real ones are a few KiB).
pub const MAX_FILE: usize = 1 << 20;

/// The settings that shape a connection, as read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RdpFile {
    pub full_address: Option<String>,
    pub server_port: Option<u16>,
    pub alternate_full_address: Option<String>,
    pub gateway_hostname: Option<String>,
    pub gateway_usage_method: Option<u32>,
    pub gateway_credentials_source: Option<u32>,
    pub username: Option<String>,
    pub load_balance_info: Option<String>,
    pub authentication_level: Option<u32>,
    pub enable_credssp_support: Option<u32>,
    pub negotiate_security_layer: Option<u32>,
}

/// `observations.rdp_file` in the report: the file's settings read and what they imply.
#[derive(Debug, Clone, Serialize)]
pub struct RdpFileObs {
    pub path: String,
    /// `utf-16le` or `utf-8`.
    pub encoding: &'static str,
    /// Each setting read, with what it means for the connection.
    pub settings: Vec<SettingObs>,
    /// Whether the diagnosis went through the file's gateway.
    pub uses_gateway: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SettingObs {
    pub name: String,
    pub value: String,
    pub implies: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RdpFileError(pub String);

impl std::fmt::Display for RdpFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Decode: a UTF-16LE BOM (FF FE), a UTF-8 BOM, UTF-16LE without a BOM (every other byte NUL), or UTF-8.
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), RdpFileError> {
    if bytes.len() > MAX_FILE {
        return Err(RdpFileError(format!("larger than {MAX_FILE} bytes: not an .rdp file")));
    }
    let utf16 = |b: &[u8]| {
        let units: Vec<u16> = b.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
        String::from_utf16_lossy(&units)
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return Ok((utf16(rest), "utf-16le"));
    }
    let rest = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if rest.len() >= 4 && rest[1] == 0 && rest[3] == 0 {
        return Ok((utf16(rest), "utf-16le"));
    }
    Ok((String::from_utf8_lossy(rest).into_owned(), "utf-8"))
}

/// Parse the text: the settings this module knows, the rest ignored.
pub fn parse(text: &str) -> RdpFile {
    let mut f = RdpFile::default();
    for line in text.lines() {
        let mut parts = line.trim_matches(['\u{feff}', ' ', '\t', '\r']).splitn(3, ':');
        let (Some(name), Some(kind), Some(value)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let name = name.trim().to_ascii_lowercase();
        let value = value.trim().to_string();
        let int = || if kind == "i" { value.parse::<u32>().ok() } else { None };
        let string = || (kind == "s" && !value.is_empty()).then(|| value.clone());
        match name.as_str() {
            "full address" => f.full_address = string(),
            "server port" => f.server_port = int().and_then(|p| u16::try_from(p).ok()).filter(|p| *p != 0),
            "alternate full address" => f.alternate_full_address = string(),
            "gatewayhostname" => f.gateway_hostname = string(),
            "gatewayusagemethod" => f.gateway_usage_method = int(),
            "gatewaycredentialssource" => f.gateway_credentials_source = int(),
            "username" => f.username = string(),
            "loadbalanceinfo" => f.load_balance_info = string(),
            "authentication level" => f.authentication_level = int(),
            "enablecredsspsupport" => f.enable_credssp_support = int(),
            "negotiate security layer" => f.negotiate_security_layer = int(),
            _ => {}
        }
    }
    f
}

impl RdpFile {
    /// `host[:port]` to diagnose: `full address` (its own port first, else `server port`).
    pub fn target(&self) -> Option<String> {
        let addr = self.full_address.as_deref()?;
        let has_port = match addr.strip_prefix('[') {
            Some(v6) => v6.contains("]:"),
            None => addr.matches(':').count() == 1,
        };
        Some(match (has_port, self.server_port) {
            (false, Some(p)) if addr.contains(':') && !addr.starts_with('[') => format!("[{addr}]:{p}"),
            (false, Some(p)) => format!("{addr}:{p}"),
            _ => addr.to_string(),
        })
    }

    /// The gateway the file tells mstsc to use, when it does: 1 always, 2 when the target is not
    /// directly reachable (rdp-doctor then takes it, as the path to diagnose).
    pub fn gateway(&self) -> Option<&str> {
        match self.gateway_usage_method {
            Some(1 | 2) => self.gateway_hostname.as_deref(),
            _ => None,
        }
    }

    /// Each setting read and what it implies, in the file's terms.
    pub fn implications(&self) -> Vec<SettingObs> {
        let mut out = Vec::new();
        let mut add = |name: &str, value: String, implies: String| {
            out.push(SettingObs { name: name.into(), value, implies });
        };
        if let Some(v) = &self.full_address {
            add(
                "full address",
                v.clone(),
                "the computer to connect to (the name RAPs and the certificate are matched against)".into(),
            );
        }
        if let Some(v) = self.server_port {
            add("server port", v.to_string(), "the RDP port when full address does not give one".into());
        }
        if let Some(v) = &self.alternate_full_address {
            add(
                "alternate full address",
                v.clone(),
                "another name for the same computer; rdp-doctor diagnoses full address".into(),
            );
        }
        if let Some(v) = &self.gateway_hostname {
            add("gatewayhostname", v.clone(), "the RD Gateway (HTTPS, port 443 unless given)".into());
        }
        if let Some(v) = self.gateway_usage_method {
            let m = match v {
                0 => "do not use a gateway",
                1 => "always use the gateway",
                2 => "use the gateway when the computer is not reachable directly (taken here)",
                3 => "use the client's default gateway settings (not in the file: no gateway here)",
                4 => "do not use a gateway (bypass for local addresses)",
                _ => "an unknown value",
            };
            add("gatewayusagemethod", v.to_string(), m.into());
        }
        if let Some(v) = self.gateway_credentials_source {
            let m = match v {
                0 => "ask for a password (NTLM / Negotiate)",
                1 => "smart card (rdp-doctor cannot use one: Basic/NTLM only)",
                2 => "the Windows logon credentials (single sign-on)",
                4 => "let the user choose later",
                5 => "a cookie-based (pluggable) authentication",
                _ => "an unknown value",
            };
            add("gatewaycredentialssource", v.to_string(), m.into());
        }
        if let Some(v) = &self.username {
            add("username", v.clone(), "the account mstsc prefills; rdp-doctor logs on only with --user".into());
        }
        if let Some(v) = &self.load_balance_info {
            add(
                "loadbalanceinfo",
                v.clone(),
                "sent as the routing token in the X.224 Connection Request in place of the cookie ([MS-RDPBCGR] 2.2.1.1): what a Connection Broker farm routes on".into(),
            );
        }
        if let Some(v) = self.authentication_level {
            let m = match v {
                0 => "connect even if the server's certificate does not verify, without a warning",
                1 => "do not connect if the server's certificate does not verify",
                2 => "warn when the server's certificate does not verify, and let the user go on",
                3 => "no server authentication requirement",
                _ => "an unknown value",
            };
            add("authentication level", v.to_string(), m.into());
        }
        if let Some(v) = self.enable_credssp_support {
            let m = if v == 0 {
                "CredSSP (NLA) off: the client cannot connect to a server that requires NLA"
            } else {
                "CredSSP (NLA) on"
            };
            add("enablecredsspsupport", v.to_string(), m.into());
        }
        if let Some(v) = self.negotiate_security_layer {
            let m = if v == 0 {
                "no security negotiation: the client sends a legacy request (Standard RDP Security)"
            } else {
                "the client negotiates TLS / CredSSP with the server"
            };
            add("negotiate security layer", v.to_string(), m.into());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "screen mode id:i:2\r\nfull address:s:rdp.example.test\r\nserver port:i:3390\r\ngatewayhostname:s:gw.example.test:8443\r\ngatewayusagemethod:i:1\r\ngatewaycredentialssource:i:0\r\nusername:s:CORP\\alice\r\nloadbalanceinfo:s:tsv://MS Terminal Services Plugin.1.Desktops\r\nauthentication level:i:2\r\nenablecredsspsupport:i:1\r\nnegotiate security layer:i:1\r\n";

    fn utf16_with_bom(s: &str) -> Vec<u8> {
        let mut b = vec![0xFF, 0xFE];
        b.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        b
    }

    #[test]
    fn mstsc_utf16_and_utf8_read_the_same() {
        let (a, ea) = decode(&utf16_with_bom(SAMPLE)).unwrap();
        let (b, eb) = decode(SAMPLE.as_bytes()).unwrap();
        assert_eq!((ea, eb), ("utf-16le", "utf-8"));
        let f = parse(&a);
        assert_eq!(f, parse(&b));
        assert_eq!(f.target().as_deref(), Some("rdp.example.test:3390"));
        assert_eq!(f.gateway(), Some("gw.example.test:8443"));
        assert_eq!(f.load_balance_info.as_deref(), Some("tsv://MS Terminal Services Plugin.1.Desktops"));
        assert_eq!(f.username.as_deref(), Some("CORP\\alice"));
        let names: Vec<_> = f.implications().into_iter().map(|s| s.name).collect();
        assert_eq!(names.len(), 10, "{names:?}");
        assert!(f.implications().iter().any(|s| s.name == "authentication level" && s.implies.starts_with("warn")));
    }

    #[test]
    fn ports_and_gateway_usage() {
        assert_eq!(parse("full address:s:host:4000\nserver port:i:3390").target().as_deref(), Some("host:4000"));
        assert_eq!(parse("full address:s:10.0.0.1").target().as_deref(), Some("10.0.0.1"));
        assert_eq!(parse("full address:s:::1\nserver port:i:3390").target().as_deref(), Some("[::1]:3390"));
        assert_eq!(parse("gatewayhostname:s:gw\ngatewayusagemethod:i:0").gateway(), None);
        assert_eq!(parse("gatewayhostname:s:gw\ngatewayusagemethod:i:2").gateway(), Some("gw"));
        assert_eq!(parse("garbage\n:::\nfull address:i:7").target(), None);
    }

    proptest::proptest! {
        #[test]
        fn no_panic(b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            if let Ok((t, _)) = decode(&b) {
                let f = parse(&t);
                let _ = (f.target(), f.gateway(), f.implications());
            }
        }
    }
}
