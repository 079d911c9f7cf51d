//! `rdp-doctor evidence`: the Windows side's own records. Reads exported event logs (`.evtx`, as
//! `wevtutil epl` writes them) and registry exports (`.reg`, and the `.txt` copies MSRD-Collect
//! writes), keeps the events and values that bear on Remote Desktop ([`EvidenceObs`]), and turns
//! them into findings with the same ids and schema as `diagnose`.
//!
//! * [`evtx`] reads event logs with the `evtx` crate, streaming, past bad records.
//! * [`reg`] reads registry exports with `regashii` and works out the effective settings.
//! * [`rules`] turns the observations into findings (pure).
//! * [`timeline`] orders the events and groups them into connection attempts (pure).
//! * [`join`] cross-checks the records with a network diagnosis (pure).
//! * [`report`] renders the evidence report.

pub mod evtx;
pub mod join;
pub mod reg;
pub mod report;
pub mod rules;
pub mod timeline;

use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use crate::knowledge::events::EventKind;

/// The most relevant events kept in memory; beyond it they are counted in `events_dropped`.
pub const MAX_EVENTS: usize = 50_000;
/// The most files read from the paths given (folders are walked).
pub const MAX_FILES: usize = 10_000;
/// How deep folders are walked.
pub const MAX_DEPTH: usize = 8;

/// What the records show: data only, no judgement. `observations.evidence` in the JSON report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EvidenceObs {
    pub files: Vec<FileObs>,
    /// The relevant events of all files, in time order.
    pub events: Vec<EventObs>,
    /// Relevant events past [`MAX_EVENTS`], not kept.
    pub events_dropped: u64,
    /// The relevant registry settings, with their effective value and where it came from.
    pub registry: Vec<RegistryObs>,
    /// The `--since`/`--until` window applied to the events (RFC 3339).
    pub since: Option<String>,
    pub until: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Evtx,
    Reg,
}

/// One file read.
#[derive(Debug, Clone, Serialize)]
pub struct FileObs {
    pub path: String,
    pub kind: FileKind,
    /// Records read (events for `.evtx`, values for `.reg`).
    pub records: u64,
    /// Records (or whole chunks) the parser could not read; reading went on past them.
    pub unreadable_records: u64,
    /// The relevant events kept from this file.
    pub relevant: u64,
    /// Time range of the records read (RFC 3339), `.evtx` only.
    pub first: Option<String>,
    pub last: Option<String>,
    /// Why the file could not be read at all, or what stopped it.
    pub error: Option<String>,
}

impl FileObs {
    /// A file about to be read: nothing counted yet.
    pub fn new(path: String, kind: FileKind) -> FileObs {
        FileObs { path, kind, records: 0, unreadable_records: 0, relevant: 0, first: None, last: None, error: None }
    }
}

/// One relevant event, decoded.
#[derive(Debug, Clone, Serialize)]
pub struct EventObs {
    /// RFC 3339 UTC, as the record says.
    pub time: String,
    #[serde(skip)]
    pub epoch_ms: i64,
    pub computer: String,
    pub channel: String,
    pub provider: String,
    /// The event id proper (low 16 bits).
    pub event_id: u16,
    pub level: Option<u8>,
    pub record_id: u64,
    /// System/Correlation ActivityID: RdpCoreTS ties the events of one connection with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity: Option<String>,
    pub kind: EventKind,
    /// The event's data fields by name (positional `Data` as `param1`, `param2`, ...; `UserData` flattened).
    pub fields: BTreeMap<String, String>,
    /// The file it came from (index into `files`).
    pub file: usize,
}

impl EventObs {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .get(name)
            .map(String::as_str)
            .or_else(|| self.fields.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()))
    }

    /// "System Schannel 36870 at 2024-01-01T00:00:00Z on HOST".
    pub fn label(&self) -> String {
        let provider = short_provider(&self.provider);
        if provider == "Security-Auditing" || short_channel(&self.channel).starts_with(provider) {
            format!("{} {} at {} on {}", short_channel(&self.channel), self.event_id, self.time, self.computer)
        } else {
            format!(
                "{} {} {} at {} on {}",
                short_channel(&self.channel),
                provider,
                self.event_id,
                self.time,
                self.computer
            )
        }
    }
}

/// A channel's short name for reports ("RdpCoreTS/Operational").
pub fn short_channel(ch: &str) -> &str {
    ch.strip_prefix("Microsoft-Windows-RemoteDesktopServices-")
        .or_else(|| ch.strip_prefix("Microsoft-Windows-TerminalServices-"))
        .unwrap_or(ch)
}

/// A provider's short name ("RemoteConnectionManager", "Schannel").
pub fn short_provider(p: &str) -> &str {
    let p = p.strip_prefix("Microsoft-Windows-").unwrap_or(p);
    p.strip_prefix("RemoteDesktopServices-").or_else(|| p.strip_prefix("TerminalServices-")).unwrap_or(p)
}

/// Where an effective registry value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegSource {
    /// Terminal Services Group Policy (wins).
    Policy,
    /// The RDP-Tcp listener (WinStation) key.
    Listener,
    /// The setting's only key.
    Key,
    /// Not in the exports: Windows' default applies.
    Default,
}

/// One registry setting: each place it was found and the value that takes effect.
#[derive(Debug, Clone, Serialize)]
pub struct RegistryObs {
    pub name: String,
    /// The effective value: a number for DWORDs, hex for binary, text for strings.
    pub effective: Option<String>,
    pub effective_source: RegSource,
    /// The value under Terminal Services Group Policy, if exported.
    pub policy: Option<String>,
    /// The value under the RDP-Tcp listener (or the setting's own key).
    pub listener: Option<String>,
    /// What the effective value means (from the knowledge tables).
    pub meaning: Option<String>,
    pub key: String,
    /// The file it came from.
    pub file: String,
}

/// The `--since`/`--until` window, in milliseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Window {
    pub since: Option<i64>,
    pub until: Option<i64>,
}

impl Window {
    pub fn contains(&self, ms: i64) -> bool {
        self.since.is_none_or(|s| ms >= s) && self.until.is_none_or(|u| ms <= u)
    }
}

/// Parses `--since`/`--until`: RFC 3339 (`2024-05-01T10:00:00Z`), a date (`2024-05-01`, UTC
/// midnight), or a duration back from now (`7d`, `12h`, `30m`).
pub fn parse_time(s: &str, now_ms: i64) -> Result<i64, String> {
    let t = s.trim();
    if let Some(n) = t.strip_suffix(['d', 'h', 'm']).and_then(|n| n.parse::<i64>().ok()) {
        let unit = match t.as_bytes()[t.len() - 1] {
            b'd' => 86_400_000,
            b'h' => 3_600_000,
            _ => 60_000,
        };
        return n.checked_mul(unit).map(|d| now_ms - d).ok_or_else(|| format!("{s:?}: too far back"));
    }
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return Ok(ts.as_millisecond());
    }
    if let Ok(d) = t.parse::<jiff::civil::Date>() {
        if let Ok(z) = d.to_zoned(jiff::tz::TimeZone::UTC) {
            return Ok(z.timestamp().as_millisecond());
        }
    }
    Err(format!("{s:?} is not a time: use 2024-05-01, 2024-05-01T10:00:00Z or 7d/12h/30m"))
}

pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

pub fn fmt_ms(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms).map(|t| t.to_string()).unwrap_or_default()
}

/// Why reading the paths failed as a whole.
#[derive(Debug)]
pub enum ReadError {
    /// A path does not exist or cannot be listed.
    Path(PathBuf, std::io::Error),
    /// No `.evtx` or registry export among the paths.
    NothingToRead,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Path(p, e) => write!(f, "{}: {e}", p.display()),
            ReadError::NothingToRead => {
                write!(f, "no .evtx file or registry export (.reg, or a reg export saved as .txt) in the paths given")
            }
        }
    }
}

/// A file worth reading, by its extension (and for `.txt`, by its first line).
fn classify(path: &Path) -> Option<FileKind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "evtx" => Some(FileKind::Evtx),
        "reg" => Some(FileKind::Reg),
        "txt" if reg::looks_like_reg_export(path) => Some(FileKind::Reg),
        _ => None,
    }
}

fn collect(path: &Path, depth: usize, out: &mut Vec<(PathBuf, FileKind)>, top: bool) -> Result<(), ReadError> {
    if out.len() >= MAX_FILES {
        return Ok(());
    }
    let meta = std::fs::metadata(path).map_err(|e| ReadError::Path(path.to_path_buf(), e))?;
    if meta.is_dir() {
        if depth >= MAX_DEPTH {
            return Ok(());
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| ReadError::Path(path.to_path_buf(), e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            // A subfolder that cannot be read is skipped, not fatal.
            let _ = collect(&p, depth + 1, out, false);
        }
    } else if let Some(kind) = classify(path) {
        out.push((path.to_path_buf(), kind));
    } else if top {
        // A file named explicitly: try it by content.
        if evtx::looks_like_evtx(path) {
            out.push((path.to_path_buf(), FileKind::Evtx));
        } else if reg::looks_like_reg_export(path) {
            out.push((path.to_path_buf(), FileKind::Reg));
        }
    }
    Ok(())
}

/// Reads every evidence file under `paths` and returns what they show.
pub fn read_paths(paths: &[PathBuf], window: Window) -> Result<EvidenceObs, ReadError> {
    let mut files = Vec::new();
    for p in paths {
        collect(p, 0, &mut files, true)?;
    }
    if files.is_empty() {
        return Err(ReadError::NothingToRead);
    }
    let mut obs =
        EvidenceObs { since: window.since.map(fmt_ms), until: window.until.map(fmt_ms), ..EvidenceObs::default() };
    let mut reg_values = Vec::new();
    for (path, kind) in files {
        let index = obs.files.len();
        let file = match kind {
            FileKind::Evtx => evtx::read_file(&path, index, window, &mut obs.events, &mut obs.events_dropped),
            FileKind::Reg => reg::read_file(&path, &mut reg_values),
        };
        obs.files.push(file);
    }
    obs.events.sort_by(|a, b| a.epoch_ms.cmp(&b.epoch_ms).then(a.record_id.cmp(&b.record_id)));
    obs.registry = reg::effective(&reg_values);
    Ok(obs)
}

/// The evidence report: the same `findings` schema as `diagnose`, `observations.evidence`, and the
/// connection attempts when asked for.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceReport {
    pub schema_version: u32,
    pub tool: crate::report::Tool,
    pub verdict: crate::diagnose::Verdict,
    pub findings: Vec<crate::diagnose::Finding>,
    pub observations: EvidenceObservations,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<timeline::Attempt>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceObservations {
    pub evidence: EvidenceObs,
}

/// Findings, verdict and (optionally) the timeline for what the records show.
pub fn build_report(obs: EvidenceObs, with_timeline: bool) -> EvidenceReport {
    let findings = rules::findings(&obs);
    let timeline = with_timeline.then(|| timeline::attempts(&obs));
    EvidenceReport {
        schema_version: crate::report::SCHEMA_VERSION,
        tool: crate::report::Tool { name: env!("CARGO_PKG_NAME"), version: env!("CARGO_PKG_VERSION") },
        verdict: rules::verdict(&findings),
        findings,
        observations: EvidenceObservations { evidence: obs },
        timeline,
    }
}

impl EvidenceReport {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// 0 nothing wrong found, 1 a failing cause proven.
    pub fn exit_code(&self) -> i32 {
        self.verdict.exit_code()
    }
}

/// What `rdp-doctor evidence` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct RunArgs {
    pub paths: Vec<PathBuf>,
    pub json: bool,
    pub since: Option<String>,
    pub until: Option<String>,
    pub timeline: bool,
}

/// Exit codes of `rdp-doctor evidence` (as `diagnose`): 0 nothing wrong found, 1 a failing cause
/// proven, 2 usage (a bad time, a missing path, nothing to read), 3 internal.
pub const EXIT_USAGE: i32 = 2;

/// The `--since`/`--until` window from the flags.
pub fn window(since: Option<&str>, until: Option<&str>) -> Result<Window, String> {
    let now = now_ms();
    Ok(Window {
        since: since.map(|s| parse_time(s, now)).transpose()?,
        until: until.map(|s| parse_time(s, now)).transpose()?,
    })
}

/// Runs `rdp-doctor evidence`: reads, judges, writes the report to `out`, returns the exit code.
pub fn run(args: &RunArgs, out: &mut dyn std::io::Write, style: crate::report::style::Style) -> i32 {
    let win = match window(args.since.as_deref(), args.until.as_deref()) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("rdp-doctor: {e}");
            return EXIT_USAGE;
        }
    };
    let obs = match read_paths(&args.paths, win) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("rdp-doctor: {e}");
            return EXIT_USAGE;
        }
    };
    let report = build_report(obs, args.timeline);
    let text = if args.json { report.to_json() + "\n" } else { report::render(&report, style) };
    if out.write_all(text.as_bytes()).is_err() {
        return 3;
    }
    report.exit_code()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_until_forms() {
        let now = 1_700_000_000_000;
        assert_eq!(parse_time("7d", now), Ok(now - 7 * 86_400_000));
        assert_eq!(parse_time("30m", now), Ok(now - 1_800_000));
        assert_eq!(parse_time("2024-05-01", now), Ok(1_714_521_600_000));
        assert_eq!(parse_time("2024-05-01T10:00:00Z", now), Ok(1_714_557_600_000));
        assert!(parse_time("yesterday", now).is_err());
        assert!(parse_time("99999999999999999d", now).is_err());
        let w = Window { since: Some(10), until: Some(20) };
        assert!(w.contains(10) && w.contains(20) && !w.contains(9) && !w.contains(21));
    }
}
