//! `rdp-doctor explain CODE [EXTENDED]`: decodes error codes people paste, using only the tables in
//! [`crate::knowledge`].
//!
//! [`parse_query`] is a pure parser (never panics), [`explain`] builds the [`Explanation`] (also the
//! JSON document, see docs/explain-schema.md) and [`run`] renders it.

mod render;
use render::*;

use std::io::Write;

use serde::Serialize;

use crate::knowledge::folk_causes::{self, CodeEvidence, FOLK_CAUSES, Stage};
use crate::knowledge::gateway_client::{self, EProxyLink, GatewayClientStage};
use crate::knowledge::{self, Basis, Entry, Layer, TableId, freerdp};

/// Version of the JSON document produced by `explain --json`.
pub const SCHEMA_VERSION: u32 = 1;

/// Inputs longer than this are cut before parsing (bounded work on hostile input).
const MAX_INPUT: usize = 4096;
/// At most this many codes are taken from one query.
const MAX_CODES: usize = 8;

/// Command-line arguments of `explain`.
pub struct ExplainArgs {
    pub codes: Vec<String>,
    pub json: bool,
    /// `--list [TABLE]`: `Some(None)` lists every table.
    pub list: Option<Option<String>>,
}

/// How a code was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeKind {
    /// `0x904`, or eight hex digits with a letter (`C000006D`).
    Hex,
    /// `2308`.
    Decimal,
    /// `-2146893054`: a signed 32-bit number, as .NET and PowerShell print HRESULTs.
    SignedDecimal,
    /// A symbolic name found in the tables (`STATUS_LOGON_FAILURE`).
    Name,
    /// Something that looks like a code but is not one we can read or know.
    Unrecognized,
}

/// The part a code plays in the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The main code (the dialog's "Error code").
    Primary,
    /// The dialog's "Extended error code" (errorInfo / ExtendedDisconnectReasonCode).
    Extended,
}

/// One code found in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Code {
    pub text: String,
    pub kind: CodeKind,
    pub value: Option<u32>,
    pub role: Role,
}

/// What the user asked about, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Query {
    /// The input as given, joined by spaces (cut at 4096 bytes).
    pub input: String,
    pub codes: Vec<Code>,
}

/// One reading of one code: the code as an entry of one table.
#[derive(Debug, Serialize)]
pub struct Reading {
    /// The code as written in the input.
    pub input: String,
    pub role: Role,
    /// How the input was read to reach this entry (e.g. "hexadecimal", "symbolic name").
    pub interpretation: &'static str,
    pub table: TableId,
    pub table_name: &'static str,
    pub value: u32,
    pub value_hex: String,
    pub name: &'static str,
    pub meaning: &'static str,
    pub source: &'static str,
    pub basis: Basis,
    pub layer: Option<Layer>,
    pub causes: &'static [knowledge::Cause],
    pub note: Option<&'static str>,
}

/// A code no table holds.
#[derive(Debug, Serialize)]
pub struct UnknownCode {
    pub input: String,
    pub value: Option<u32>,
    pub value_hex: Option<String>,
    /// The closest family we can name from the number's structure, if any.
    pub nearest_category: Option<String>,
    pub message: String,
}

/// How far the connection got, derived from the layers of the readings.
#[derive(Debug, Serialize)]
pub struct Progress {
    pub failed_layer: Layer,
    /// Stages that completed before the failure, in order.
    pub completed: Vec<&'static str>,
    pub failed_at: &'static str,
    pub summary: String,
}

/// A likely cause, in rank order.
#[derive(Debug, Serialize)]
pub struct RankedCause {
    pub rank: usize,
    pub text: &'static str,
    pub check: &'static str,
    /// Name of the entry the cause comes from.
    pub from: &'static str,
}

/// The answer to a query; serialized as the `explain --json` document.
#[derive(Debug, Serialize)]
pub struct Explanation {
    pub schema_version: u32,
    pub query: Query,
    pub readings: Vec<Reading>,
    pub progress: Option<Progress>,
    pub likely_causes: Vec<RankedCause>,
    pub diagnose_command: Option<String>,
    /// True when at least one code of the query is not in any table.
    pub unknown: bool,
    pub unknown_codes: Vec<UnknownCode>,
    /// Other readings tried and how the codes relate (e.g. "147 as a discReason: no such code").
    pub notes: Vec<String>,
    /// The advice people commonly find, judged against these codes (`knowledge::folk_causes`).
    pub folk_causes: Vec<folk_causes::Judged>,
}

use crate::knowledge::hex_code as hex;

// ---------------------------------------------------------------------------------------------
// Parsing

enum Tok {
    Word(String),
    Number(Code),
}

fn parse_number(t: &str) -> Option<Result<(u32, CodeKind), ()>> {
    let lower = t.to_ascii_lowercase();
    if let Some(h) = lower.strip_prefix("0x") {
        if h.is_empty() || !h.chars().all(|c| c.is_ascii_hexdigit()) {
            return Some(Err(()));
        }
        let trimmed = h.trim_start_matches('0');
        if trimmed.len() > 8 {
            return Some(Err(()));
        }
        return Some(
            u32::from_str_radix(if trimmed.is_empty() { "0" } else { trimmed }, 16)
                .map(|v| (v, CodeKind::Hex))
                .map_err(|_| ()),
        );
    }
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) {
        let trimmed = t.trim_start_matches('0');
        if trimmed.len() > 10 {
            return Some(Err(()));
        }
        return Some(match trimmed.parse::<u64>() {
            Ok(v) if v <= u64::from(u32::MAX) => Ok((v as u32, CodeKind::Decimal)),
            Ok(_) if trimmed.is_empty() => Ok((0, CodeKind::Decimal)),
            _ => Err(()),
        });
    }
    if let Some(d) = t.strip_prefix('-') {
        if !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()) {
            let trimmed = d.trim_start_matches('0');
            if trimmed.len() > 10 {
                return Some(Err(()));
            }
            return Some(match trimmed.parse::<i64>() {
                Ok(v) if v <= i64::from(i32::MAX) + 1 => Ok(((-v) as i32 as u32, CodeKind::SignedDecimal)),
                _ => Err(()),
            });
        }
        return None;
    }
    // Eight hex digits with at least one letter: C000006D, 800759DD.
    if t.len() == 8 && t.chars().all(|c| c.is_ascii_hexdigit()) && t.chars().any(|c| c.is_ascii_alphabetic()) {
        return Some(u32::from_str_radix(t, 16).map(|v| (v, CodeKind::Hex)).map_err(|_| ()));
    }
    None
}

fn tokenize(input: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    for raw in input.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')) {
        let t = raw.trim_matches('-');
        // Keep a leading minus for signed numbers.
        let t =
            if raw.starts_with('-') && raw[1..].chars().all(|c| c.is_ascii_digit()) && raw.len() > 1 { raw } else { t };
        if t.is_empty() {
            continue;
        }
        match parse_number(t) {
            Some(Ok((value, kind))) => {
                toks.push(Tok::Number(Code { text: t.to_string(), kind, value: Some(value), role: Role::Primary }))
            }
            Some(Err(())) => toks.push(Tok::Number(Code {
                text: t.to_string(),
                kind: CodeKind::Unrecognized,
                value: None,
                role: Role::Primary,
            })),
            None => toks.push(Tok::Word(t.to_string())),
        }
    }
    toks
}

fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn looks_like_symbol(w: &str) -> bool {
    w.contains('_')
        && w.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Parses what the user typed or pasted: hex (`0x904`), decimal (`2308`), symbolic names,
/// dialog text ("Error code: 0x904 Extended error code: 0x7") and FreeRDP log lines
/// ("ERRCONNECT_CONNECT_TRANSPORT_FAILED [0x0002000D]"). Never panics.
pub fn parse_query(input: &[String]) -> Query {
    let joined = input.join(" ");
    let text = cut(&joined, MAX_INPUT).to_string();
    let toks = tokenize(&text);

    let mut names: Vec<Code> = Vec::new();
    let mut numbers: Vec<Code> = Vec::new();
    let mut unknown_symbols: Vec<Code> = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut dialog = false;

    for tok in toks {
        match tok {
            Tok::Word(w) => {
                if !knowledge::find_by_name(&w).is_empty() {
                    names.push(Code { text: w.clone(), kind: CodeKind::Name, value: None, role: Role::Primary });
                } else if looks_like_symbol(&w) {
                    unknown_symbols.push(Code {
                        text: w.clone(),
                        kind: CodeKind::Unrecognized,
                        value: None,
                        role: Role::Primary,
                    });
                }
                words.push(w.to_ascii_lowercase());
            }
            Tok::Number(mut code) => {
                let n = words.len();
                if n >= 3 && words[n - 3] == "extended" && words[n - 2] == "error" && words[n - 1] == "code" {
                    code.role = Role::Extended;
                    dialog = true;
                }
                numbers.push(code);
            }
        }
    }

    // A number that repeats a name's own value (FreeRDP log lines) adds nothing.
    let name_values: Vec<(TableId, u32)> =
        names.iter().flat_map(|c| knowledge::find_by_name(&c.text)).map(|e| (e.table, e.value)).collect();
    numbers.retain(|c| match c.value {
        Some(v) => !name_values.iter().any(|&(t, ev)| {
            ev == v || (t == TableId::ErrorInfo && v >> 16 == freerdp::ERRINFO_CLASS && v & 0xFFFF == ev)
        }),
        None => true,
    });

    let mut codes: Vec<Code> = Vec::new();
    codes.extend(names);
    codes.extend(unknown_symbols);
    if dialog {
        // Primary first, then the extended code.
        numbers.sort_by_key(|c| c.role == Role::Extended);
    } else if codes.is_empty() && numbers.len() == 2 {
        // "explain 0x904 0x7": the second number is the extended code.
        numbers[1].role = Role::Extended;
    }
    codes.extend(numbers);

    if codes.is_empty() && !text.trim().is_empty() {
        codes.push(Code {
            text: cut(text.trim(), 80).to_string(),
            kind: CodeKind::Unrecognized,
            value: None,
            role: Role::Primary,
        });
    }
    codes.truncate(MAX_CODES);
    Query { input: text, codes }
}

// ---------------------------------------------------------------------------------------------
// Explaining

fn reading(code: &Code, interpretation: &'static str, e: &'static Entry) -> Reading {
    Reading {
        input: code.text.clone(),
        role: code.role,
        interpretation,
        table: e.table,
        table_name: e.table.name(),
        value: e.value,
        value_hex: hex(e.value),
        name: e.name,
        meaning: e.meaning,
        source: e.source,
        basis: e.basis,
        layer: e.layer,
        causes: e.causes,
        note: e.note,
    }
}

/// The closest family of an unknown number, from its structure only.
fn nearest_category(v: u32, role: Role) -> Option<String> {
    if role == Role::Extended {
        return match v {
            0x1..=0xFF => Some("errorInfo protocol-independent range (0x1-0xFF)".into()),
            0x100..=0x1FF => Some("errorInfo licensing range (0x100-0x1FF)".into()),
            0x400..=0x4FF => Some("errorInfo Connection Broker range (0x400-0x4FF)".into()),
            0x1000..=0x7FFF => Some("errorInfo RDP protocol range (ExtendedDisconnectReasonCode 4096-32767)".into()),
            _ => None,
        };
    }
    if v >> 16 == 0x8007 && (v & 0xFFFF) >> 8 == 0x59 {
        return Some("RD Gateway E_PROXY_* family (0x800759xx)".into());
    }
    if v >> 16 == 0x8009 {
        return Some("SSPI / Schannel / crypto HRESULT family (0x8009xxxx)".into());
    }
    if v >> 16 == 0x800B {
        return Some("certificate trust HRESULT family (0x800Bxxxx)".into());
    }
    if v >> 16 == 0x8007 {
        return Some(format!("Win32 error {} wrapped in an HRESULT (0x8007xxxx)", v & 0xFFFF));
    }
    if v >> 30 == 0b11 {
        return Some("NTSTATUS error (severity bits 11, 0xCxxxxxxx)".into());
    }
    if v >> 16 == freerdp::CONNECT_CLASS {
        return Some("FreeRDP connect error class (0x0002xxxx)".into());
    }
    if v >> 16 == freerdp::ERRINFO_CLASS {
        return Some("FreeRDP errorInfo class (0x0001xxxx)".into());
    }
    if v <= 0xFFFF {
        if let Some(cat) = knowledge::disc_reason_category(v) {
            return Some(format!("disconnect reason category 0x{:02X}: {cat}", v & 0xFF));
        }
    }
    if (0x1000..=0x7FFF).contains(&v) {
        return Some("errorInfo RDP protocol range (0x1000-0x7FFF)".into());
    }
    None
}

/// The stages of a connection, in order, and their names.
const STAGES: &[(Layer, &str)] = &[
    (Layer::Network, "TCP connection"),
    (Layer::Negotiation, "RDP security negotiation (X.224)"),
    (Layer::Tls, "TLS handshake"),
    (Layer::Credssp, "NLA (CredSSP authentication)"),
    (Layer::Session, "session set-up and logon"),
];

fn progress_for(layer: Layer) -> Option<Progress> {
    let (completed, failed_at, summary): (Vec<&'static str>, &'static str, String) = match layer {
        Layer::Gateway => (
            Vec::new(),
            "RD Gateway",
            "The connection failed at the RD Gateway; nothing reached the target computer.".into(),
        ),
        Layer::Client => return None,
        Layer::Licensing => {
            let done: Vec<&str> = STAGES[..4].iter().map(|s| s.1).collect();
            (
                done,
                "licensing",
                "TCP, security negotiation and (when the server uses them) TLS and NLA completed; licensing then failed.".into(),
            )
        }
        other => {
            let idx = STAGES.iter().position(|s| s.0 == other)?;
            let done: Vec<&str> = STAGES[..idx].iter().map(|s| s.1).collect();
            let summary = if done.is_empty() {
                format!("The connection failed at the first stage ({}); nothing beyond it happened.", STAGES[idx].1)
            } else {
                format!("{} completed; then the {} failed.", done.join(", "), STAGES[idx].1)
            };
            (done, STAGES[idx].1, summary)
        }
    };
    Some(Progress { failed_layer: layer, completed, failed_at, summary })
}

/// Builds the explanation of a query (the JSON document of `explain --json`).
pub fn explain(q: &Query) -> Explanation {
    let mut readings: Vec<Reading> = Vec::new();
    let mut unknown_codes: Vec<UnknownCode> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let has_extended = q.codes.iter().any(|c| c.role == Role::Extended);

    for code in &q.codes {
        let before = readings.len();
        match (code.kind, code.value) {
            (CodeKind::Name, _) => {
                for e in knowledge::find_by_name(&code.text) {
                    readings.push(reading(code, "symbolic name", e));
                }
            }
            (_, Some(v)) if code.role == Role::Extended => {
                if let Some(e) = knowledge::lookup(TableId::ErrorInfo, v) {
                    readings.push(reading(code, "extended code (errorInfo)", e));
                }
            }
            (kind, Some(v)) => {
                let how = match kind {
                    CodeKind::SignedDecimal => "signed 32-bit decimal",
                    CodeKind::Decimal => "decimal",
                    _ => "hexadecimal",
                };
                if has_extended {
                    // Next to an extended code, the main number is the client's disconnect reason
                    // (or one of its RD Gateway codes).
                    if let Some(e) = knowledge::lookup(TableId::DiscReason, v)
                        .or_else(|| knowledge::lookup(TableId::GatewayClient, v))
                    {
                        readings.push(reading(code, how, e));
                    }
                } else {
                    for &t in TableId::ALL {
                        if let Some(e) = knowledge::lookup(t, v) {
                            readings.push(reading(code, how, e));
                        }
                    }
                    if v >> 16 == freerdp::ERRINFO_CLASS {
                        if let Some(e) = knowledge::lookup(TableId::ErrorInfo, v & 0xFFFF) {
                            readings.push(reading(code, "FreeRDP class-1 wrapper of an errorInfo code", e));
                        }
                    }
                    if kind == CodeKind::Decimal {
                        // The digits may have been meant as hex (0x prefix forgotten).
                        let digits = code.text.trim_start_matches('0');
                        if !digits.is_empty() && digits.len() <= 8 {
                            if let Ok(hv) = u32::from_str_radix(digits, 16) {
                                if hv != v {
                                    let mut any = false;
                                    for &t in TableId::ALL {
                                        if let Some(e) = knowledge::lookup(t, hv) {
                                            readings.push(reading(code, "decimal digits read as hexadecimal", e));
                                            any = true;
                                        }
                                    }
                                    if !any && readings.len() > before {
                                        notes.push(format!(
                                            "{} read as hexadecimal ({}) matches no table.",
                                            code.text,
                                            hex(hv)
                                        ));
                                    }
                                }
                            }
                        }
                        if readings.len() > before
                            && knowledge::lookup(TableId::DiscReason, v).is_none()
                            && !gateway_client::in_family(v)
                        {
                            let cat = knowledge::disc_reason_category(v)
                                .map(|c| format!(" (low byte 0x{:02X}: {c})", v & 0xFF))
                                .unwrap_or_default();
                            notes.push(format!(
                                "{} as a decimal discReason ({}) is not a documented disconnect reason{}.",
                                code.text,
                                hex(v),
                                cat
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
        if readings.len() == before {
            let nearest = code.value.and_then(|v| nearest_category(v, code.role));
            let message = match code.value {
                Some(v) => format!(
                    "unknown: {} ({}, {}) is in none of rdp-doctor's tables{}",
                    code.text,
                    hex(v),
                    v,
                    if code.role == Role::Extended { " as an extended (errorInfo) code" } else { "" }
                ),
                None => format!("unknown: \"{}\" is neither a number nor a symbolic name rdp-doctor knows", code.text),
            };
            unknown_codes.push(UnknownCode {
                input: code.text.clone(),
                value: code.value,
                value_hex: code.value.map(hex),
                nearest_category: nearest,
                message,
            });
        }
    }

    // The Windows client's RD Gateway codes: the stage each points to and the E_PROXY code it matches.
    let extended_value = q.codes.iter().find(|c| c.role == Role::Extended).and_then(|c| c.value);
    for r in readings.iter().filter(|r| r.table == TableId::GatewayClient) {
        notes.extend(gateway_client_notes(r, extended_value));
    }

    // How far the connection got: only when the readings are not ambiguous.
    let primary: Vec<&Reading> = readings.iter().filter(|r| r.role == Role::Primary).collect();
    let extended: Vec<&Reading> = readings.iter().filter(|r| r.role == Role::Extended).collect();
    let layer = if has_extended {
        extended.first().and_then(|r| r.layer).or_else(|| if primary.len() == 1 { primary[0].layer } else { None })
    } else if readings.len() == 1 {
        readings[0].layer
    } else {
        None
    };
    let gateway_stage = gateway_client_stage(&primary, layer);
    let progress = gateway_stage.and_then(gateway_client_progress).or_else(|| layer.and_then(progress_for));

    // Likely causes: extended code first (more specific), then the others; no repeats.
    let mut likely_causes: Vec<RankedCause> = Vec::new();
    let extended_has_causes = extended.iter().any(|r| !r.causes.is_empty());
    for r in extended.iter().chain(primary.iter()) {
        // A layer-less main code (0x904 "socket closed") only says "see the extended code".
        if extended_has_causes && r.role == Role::Primary && r.layer.is_none() {
            continue;
        }
        for c in r.causes {
            if !likely_causes.iter().any(|l| l.text == c.text) {
                likely_causes.push(RankedCause {
                    rank: likely_causes.len() + 1,
                    text: c.text,
                    check: c.check,
                    from: r.name,
                });
            }
        }
    }

    let diagnose_command = if readings.is_empty() {
        None
    } else {
        let auth = likely_causes.iter().any(|c| c.check.contains("--user"))
            || readings.iter().any(|r| {
                r.layer == Some(Layer::Credssp)
                    || matches!(r.table, TableId::NtStatus | TableId::CredsspVersion | TableId::EncryptionOracle)
            });
        let gateway = readings.iter().any(|r| matches!(r.table, TableId::GatewayClient | TableId::GatewayHresult));
        Some(match (gateway, auth) {
            (true, true) => "rdp-doctor diagnose HOST --gateway GW --gateway-user USER --user USER".to_string(),
            (true, false) => "rdp-doctor diagnose HOST --gateway GW --gateway-user USER".to_string(),
            (false, true) => "rdp-doctor diagnose HOST --user USER".to_string(),
            (false, false) => "rdp-doctor diagnose HOST".to_string(),
        })
    };

    // Reaching the gateway is the network stage of the commonly given causes.
    let folk_layer = match gateway_stage.and_then(GatewayClientStage::folk_stage) {
        Some(folk_causes::Stage::Network) => Some(Layer::Network),
        _ => layer,
    };
    let folk_causes = judge_folk_causes(q, &readings, folk_layer);
    let unknown = !unknown_codes.is_empty() || q.codes.is_empty();
    Explanation {
        schema_version: SCHEMA_VERSION,
        query: q.clone(),
        readings,
        progress,
        likely_causes,
        diagnose_command,
        unknown,
        unknown_codes,
        notes,
        folk_causes,
    }
}

/// The stage of the gateway path a Windows client RD Gateway code points to, when that code is the
/// reading the layer was taken from.
fn gateway_client_stage(primary: &[&Reading], layer: Option<Layer>) -> Option<GatewayClientStage> {
    let [r] = primary else { return None };
    if r.table != TableId::GatewayClient || layer != r.layer {
        return None;
    }
    gateway_client::facts(r.value).map(|f| f.stage)
}

/// How far the connection got, from the gateway stage a client code points to (inferred).
fn gateway_client_progress(stage: GatewayClientStage) -> Option<Progress> {
    let completed = stage.completed_before()?;
    let failed_at = stage.name();
    let summary = match completed.last() {
        None => format!(
            "The connection failed at {failed_at} (stage inferred from the code); nothing reached the target computer."
        ),
        Some(last) if stage == GatewayClientStage::Session => format!(
            "The gateway path worked up to {last}; then the RD Gateway ended the established connection (stage inferred from the code)."
        ),
        Some(last) => format!(
            "The gateway path worked up to {last}; then {failed_at} failed (stage inferred from the code); the target computer was not reached."
        ),
    };
    Some(Progress { failed_layer: Layer::Gateway, completed, failed_at, summary })
}

/// What a Windows client RD Gateway code says beyond its entry: its family and stage, the E_PROXY
/// code it matches by meaning, and that only the pair with extended code 0 is published.
fn gateway_client_notes(r: &Reading, extended: Option<u32>) -> Vec<String> {
    let Some(f) = gateway_client::facts(r.value) else { return Vec::new() };
    let mut out = Vec::new();
    if f.stage == GatewayClientStage::Unknown {
        out.push(format!(
            "{} is in the Windows client's RD Gateway code family (0x3000001-0x3000050), but its meaning is not published: only the family is known.",
            r.input
        ));
    } else {
        out.push(format!(
            "{} is a Windows client RD Gateway code (0x3000001-0x3000050); it points to {} (stage inferred by rdp-doctor).",
            r.input,
            f.stage.name()
        ));
    }
    if let Some(link) = f.e_proxy {
        let names: Vec<String> = link
            .values()
            .iter()
            .filter_map(|v| knowledge::lookup(TableId::GatewayHresult, *v))
            .map(|e| format!("{} ({})", e.name, hex(e.value)))
            .collect();
        let how = match link {
            EProxyLink::Same(_) => "matches",
            EProxyLink::Maybe(_) => "may match",
        };
        out.push(format!(
            "By meaning it {how} the gateway's {} in the gateway-hresult table (link inferred, not documented).",
            names.join(" / ")
        ));
    }
    if let Some(x) = extended.filter(|x| *x != 0) {
        out.push(format!(
            "The RD Gateway client codes are published with extended code 0 only; the pair {} / {} is not documented.",
            hex(r.value),
            hex(x)
        ));
    }
    out
}

/// The advice people commonly find, judged against what the codes say: the Windows pair when both
/// numbers were given, every reading, and the stage the readings name.
fn judge_folk_causes(q: &Query, readings: &[Reading], layer: Option<Layer>) -> Vec<folk_causes::Judged> {
    if readings.is_empty() {
        return Vec::new();
    }
    let value = |role: Role| q.codes.iter().find(|c| c.role == role && c.kind != CodeKind::Name).and_then(|c| c.value);
    let pair = match (value(Role::Primary), value(Role::Extended)) {
        (Some(code), Some(extended)) => Some((code, extended)),
        _ => None,
    };
    let label = match pair {
        Some((code, extended)) => format!("{} / {}", hex(code), hex(extended)),
        None => {
            let mut names: Vec<&str> = readings.iter().map(|r| r.name).collect();
            names.dedup();
            names.join(" / ")
        }
    };
    let ev = CodeEvidence::new(
        pair,
        readings.iter().map(|r| (r.table, r.value)).collect(),
        layer.and_then(Stage::from_layer),
        label,
    );
    folk_causes::judge_codes(&ev)
}

// ---------------------------------------------------------------------------------------------
// Rendering

/// Runs `explain`. Returns the exit code: 0 all codes known, 1 a code is unknown, 2 usage error.
pub fn run(args: &ExplainArgs, out: &mut dyn Write) -> i32 {
    if let Some(which) = &args.list {
        let tables: Vec<TableId> = match which {
            None => TableId::ALL.to_vec(),
            Some(name) if name.trim().eq_ignore_ascii_case(FOLK_LIST_NAME) => {
                return match render_folk_list(args.json, out) {
                    Ok(()) => 0,
                    Err(_) => 2,
                };
            }
            Some(name) => match TableId::from_name(name) {
                Some(t) => vec![t],
                None => {
                    let mut names: Vec<&str> = TableId::ALL.iter().map(|t| t.name()).collect();
                    names.push(FOLK_LIST_NAME);
                    let _ = writeln!(out, "error: unknown table '{}'; tables: {}", name, names.join(", "));
                    return 2;
                }
            },
        };
        let listed = render_list(&tables, args.json, out).and_then(|()| {
            // Every table: the commonly given causes close the text listing.
            if which.is_none() && !args.json {
                writeln!(out)?;
                render_folk_list(false, out)?;
            }
            Ok(())
        });
        return match listed {
            Ok(()) => 0,
            Err(_) => 2,
        };
    }
    if args.codes.iter().all(|c| c.trim().is_empty()) {
        let _ = writeln!(out, "error: explain needs a code, e.g. rdp-doctor explain 0x904 0x7 (or --list)");
        return 2;
    }
    let q = parse_query(&args.codes);
    let x = explain(&q);
    let written = if args.json {
        serde_json::to_writer_pretty(&mut *out, &x).map_err(std::io::Error::other).and_then(|()| writeln!(out))
    } else {
        render_text(&x, out)
    };
    if written.is_err() {
        return 2;
    }
    if x.unknown { 1 } else { 0 }
}
