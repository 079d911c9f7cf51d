//! Reading exported event logs with the `evtx` crate. The file is streamed chunk by chunk (64 KiB
//! each); a record or chunk the crate cannot read is counted in `unreadable_records` and reading
//! goes on. Only events in the knowledge table (`knowledge::events`) are kept.
//!
//! [`decode`] turns one record, in the JSON form the crate emits, into an [`EventObs`]: it accepts
//! `EventID` as a number, a string, or `{"#attributes": {"Qualifiers": ..}, "#text": ..}`; named
//! `Data` (`EventData: {Name: value}`), positional `Data` (`EventData: {Data: {"#text": [..]}}`)
//! and `UserData` blocks.

use super::{EventObs, FileKind, FileObs, MAX_EVENTS, Window};
use crate::knowledge::events;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// "ElfFile\0", the EVTX file header signature.
const EVTX_MAGIC: &[u8; 8] = b"ElfFile\0";

pub fn looks_like_evtx(path: &Path) -> bool {
    let mut magic = [0u8; 8];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut magic)).is_ok() && &magic == EVTX_MAGIC
}

/// A value as text: strings as they are, numbers in decimal, anything else as JSON.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Object(o) if o.contains_key("#text") => text(&o["#text"]),
        Value::Array(a) => a.iter().map(text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// A number from a JSON number or a decimal/hex string.
pub fn number(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => parse_num(s),
        Value::Object(o) => o.get("#text").and_then(number),
        _ => None,
    }
}

/// "4625", "0xC000006D", "0XC000006d" or " 10 ".
pub fn parse_num(s: &str) -> Option<u64> {
    let s = s.trim();
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

/// Flattens `EventData`/`UserData` into name -> text.
fn fields(event: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(ed) = event.get("EventData").and_then(Value::as_object) {
        for (k, v) in ed {
            if k == "#attributes" {
                continue;
            }
            if k == "Data" {
                // Positional data: {"#text": "x"} or {"#text": ["a", "b"]} or ["a", "b"] or "x".
                let items: Vec<&Value> = match v {
                    Value::Object(o) => match o.get("#text") {
                        Some(Value::Array(a)) => a.iter().collect(),
                        Some(one) => vec![one],
                        None => vec![],
                    },
                    Value::Array(a) => a.iter().collect(),
                    one => vec![one],
                };
                for (i, item) in items.into_iter().enumerate() {
                    out.insert(format!("param{}", i + 1), text(item));
                }
            } else {
                out.insert(k.clone(), text(v));
            }
        }
    }
    if let Some(ud) = event.get("UserData").and_then(Value::as_object) {
        // UserData holds one element (EventXML, or a provider-specific name) with the fields inside.
        for (_, block) in ud {
            if let Some(o) = block.as_object() {
                for (k, v) in o {
                    if k != "#attributes" {
                        out.insert(k.clone(), text(v));
                    }
                }
            }
        }
    }
    out
}

/// The string value after `"key":` (whitespace allowed), from `json`.
fn string_after<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let rest = json[json.find(key)? + key.len()..].trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
    Some(&rest[..rest.find('"')?])
}

/// The leading decimal number of `s` (after whitespace and an opening quote).
fn leading_number(s: &str) -> Option<u64> {
    let s = s.trim_start().trim_start_matches('"');
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s[..end].parse().ok()
}

/// Whether a record's JSON text may be one rdp-doctor reads: its provider and event id (low 16 bits)
/// are in the knowledge table. When the text is not as expected it answers true, and [`decode`]
/// decides on the parsed tree.
pub fn candidate(json: &str) -> bool {
    let Some(p) = json.find("\"Provider\"") else { return true };
    let Some(provider) = string_after(&json[p..], "\"Name\"") else { return true };
    if !events::EVENTS.iter().any(|e| e.provider.eq_ignore_ascii_case(provider)) {
        return false;
    }
    let Some(i) = json.find("\"EventID\"") else { return true };
    let Some(after) = json[i + 9..].trim_start().strip_prefix(':') else { return true };
    let after = after.trim_start();
    let id = if after.starts_with('{') {
        after.find("\"#text\"").and_then(|t| after[t + 7..].trim_start().strip_prefix(':')).and_then(leading_number)
    } else {
        leading_number(after)
    };
    match id {
        Some(id) => {
            events::EVENTS.iter().any(|e| u64::from(e.id) == id & 0xFFFF && e.provider.eq_ignore_ascii_case(provider))
        }
        None => true,
    }
}

/// Decodes one record (the crate's JSON form) into an event, if it is one rdp-doctor reads.
/// `epoch_ms` is the record header's timestamp, used when `TimeCreated` is missing.
pub fn decode(data: &Value, epoch_ms: i64, record_id: u64, file: usize) -> Option<EventObs> {
    let event = data.get("Event")?;
    let sys = event.get("System")?;
    let provider = sys.get("Provider").and_then(|p| p.get("#attributes")).and_then(|a| a.get("Name")).map(text)?;
    let channel = sys.get("Channel").map(text).unwrap_or_default();
    let raw_id = sys.get("EventID").and_then(number)?;
    let def = events::event(&channel, &provider, u32::try_from(raw_id & 0xFFFF_FFFF).ok()?)?;
    let fields = fields(event);
    // Security 4624 is kept only for Remote Desktop logons (type 10): the others would swamp memory.
    if def.id == 4624 && fields.get("LogonType").and_then(|t| parse_num(t)) != Some(10) {
        return None;
    }
    let time = sys
        .get("TimeCreated")
        .and_then(|t| t.get("#attributes"))
        .and_then(|a| a.get("SystemTime"))
        .map(text)
        .unwrap_or_else(|| super::fmt_ms(epoch_ms));
    let epoch_ms = time.parse::<jiff::Timestamp>().map(|t| t.as_millisecond()).unwrap_or(epoch_ms);
    Some(EventObs {
        time,
        epoch_ms,
        computer: sys.get("Computer").map(text).unwrap_or_default(),
        channel: def.channel.to_string(),
        provider: def.provider.to_string(),
        event_id: def.id,
        level: sys.get("Level").and_then(number).and_then(|l| u8::try_from(l).ok()),
        record_id: sys.get("EventRecordID").and_then(number).unwrap_or(record_id),
        activity: sys
            .get("Correlation")
            .and_then(|c| c.get("#attributes"))
            .and_then(|a| a.get("ActivityID"))
            .map(text)
            .filter(|a| !a.is_empty()),
        kind: def.kind,
        fields,
        file,
    })
}

/// Reads one `.evtx` file, appending its relevant events within `window` to `out`.
pub fn read_file(path: &Path, index: usize, window: Window, out: &mut Vec<EventObs>, dropped: &mut u64) -> FileObs {
    let mut file = FileObs::new(path.display().to_string(), FileKind::Evtx);
    // The parser is a third-party crate fed hostile bytes: a panic in it becomes this file's error.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_into(path, index, window, out, dropped, &mut file)
    }));
    if result.is_err() {
        file.error = Some("the evtx parser failed on this file (panic caught); the records before it are kept".into());
    }
    file
}

fn read_into(
    path: &Path,
    index: usize,
    window: Window,
    out: &mut Vec<EventObs>,
    dropped: &mut u64,
    file: &mut FileObs,
) {
    let parser = match ::evtx::EvtxParser::from_path(path) {
        Ok(p) => p,
        Err(e) => {
            let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            file.error = Some(if len < 4096 {
                format!("not a readable EVTX file: {len} bytes, shorter than the 4096-byte file header")
            } else if !looks_like_evtx(path) {
                "not a readable EVTX file: it does not start with the ElfFile signature".to_string()
            } else {
                format!("not a readable EVTX file: {e}")
            });
            return;
        }
    };
    read_records(parser, index, window, out, dropped, file);
}

/// Reads an `.evtx` file from its bytes, as [`read_file`] reads it from a path (the fuzz target
/// `evtx_rules` drives this).
pub fn read_bytes(
    bytes: Vec<u8>,
    name: &str,
    index: usize,
    window: Window,
    out: &mut Vec<EventObs>,
    dropped: &mut u64,
) -> FileObs {
    let mut file = FileObs::new(name.to_string(), FileKind::Evtx);
    let result =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match ::evtx::EvtxParser::from_buffer(bytes) {
            Ok(parser) => read_records(parser, index, window, out, dropped, &mut file),
            Err(e) => file.error = Some(format!("not a readable EVTX file: {e}")),
        }));
    if result.is_err() {
        file.error = Some("the evtx parser failed on this file (panic caught); the records before it are kept".into());
    }
    file
}

/// The records of an opened file, streamed chunk by chunk on one thread.
fn read_records<T: Read + std::io::Seek>(
    parser: ::evtx::EvtxParser<T>,
    index: usize,
    window: Window,
    out: &mut Vec<EventObs>,
    dropped: &mut u64,
    file: &mut FileObs,
) {
    let mut parser = parser.with_configuration(::evtx::ParserSettings::new().num_threads(1));
    let (mut first, mut last) = (i64::MAX, i64::MIN);
    // The crate's fast JSON renderer, then a look at the provider and event id in the text: only
    // the records rdp-doctor reads are parsed into a JSON tree.
    for record in parser.records_json_bytes() {
        let record = match record {
            Ok(r) => r,
            Err(_) => {
                file.unreadable_records += 1;
                continue;
            }
        };
        file.records += 1;
        let ms = record.timestamp.as_millisecond();
        first = first.min(ms);
        last = last.max(ms);
        let Ok(json) = std::str::from_utf8(&record.data) else {
            file.unreadable_records += 1;
            continue;
        };
        if !candidate(json) {
            continue;
        }
        let Ok(value) = serde_json::from_str::<Value>(json) else {
            file.unreadable_records += 1;
            continue;
        };
        let Some(ev) = decode(&value, ms, record.event_record_id, index) else { continue };
        if !window.contains(ev.epoch_ms) {
            continue;
        }
        file.relevant += 1;
        if out.len() < MAX_EVENTS {
            out.push(ev);
        } else {
            *dropped += 1;
        }
    }
    if file.records > 0 {
        file.first = Some(super::fmt_ms(first));
        file.last = Some(super::fmt_ms(last));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn event_id_as_number_string_or_qualified_object() {
        for id in [json!(36870), json!("36870"), json!({"#attributes": {"Qualifiers": 49152}, "#text": 36870})] {
            let rec = json!({"Event": {"System": {"Provider": {"#attributes": {"Name": "Schannel"}},
                "EventID": id, "Channel": "System", "Computer": "H",
                "TimeCreated": {"#attributes": {"SystemTime": "2024-01-02T03:04:05.0000000Z"}}},
                "EventData": {"Type": "server", "ErrorCode": "0x8009030d"}}});
            let e = decode(&rec, 0, 1, 0).expect("decoded");
            assert_eq!(e.event_id, 36870);
            assert_eq!(e.field("ErrorCode"), Some("0x8009030d"));
            assert_eq!(e.epoch_ms, 1_704_164_645_000);
        }
    }

    #[test]
    fn positional_data_and_user_data() {
        let rec = json!({"Event": {"System": {"Provider": {"#attributes": {"Name": "LsaSrv"}},
            "EventID": {"#attributes": {"Qualifiers": 0}, "#text": 6041}, "Channel": "System", "Computer": "H"},
            "EventData": {"Data": {"#text": ["TERMSRV/10.0.0.5", "4"]}}}});
        let e = decode(&rec, 5, 1, 0).unwrap();
        assert_eq!(e.field("param1"), Some("TERMSRV/10.0.0.5"));
        assert_eq!(e.field("param2"), Some("4"));
        let rec = json!({"Event": {"System": {"Provider": {"#attributes": {"Name": "Microsoft-Windows-TerminalServices-LocalSessionManager"}},
            "EventID": 40, "Channel": "Microsoft-Windows-TerminalServices-LocalSessionManager/Operational", "Computer": "H"},
            "UserData": {"EventXML": {"#attributes": {"xmlns": "Event_NS"}, "Session": 3, "Reason": 7}}}});
        let e = decode(&rec, 5, 1, 0).unwrap();
        assert_eq!(e.field("Reason"), Some("7"));
        assert_eq!(e.field("session"), Some("3"));
    }

    #[test]
    fn candidate_reads_provider_and_id_in_compact_and_pretty_json() {
        let recs = [
            json!({"Event": {"System": {"Provider": {"#attributes": {"Name": "Schannel"}}, "EventID": {"#attributes": {"Qualifiers": 49152}, "#text": 36870}}}}),
            json!({"Event": {"System": {"Provider": {"#attributes": {"Name": "LsaSrv"}}, "EventID": "6041"}}}),
            json!({"Event": {"System": {"Provider": {"#attributes": {"Name": "Microsoft-Windows-Security-Auditing"}}, "EventID": 4625}}}),
        ];
        for r in &recs {
            assert!(candidate(&serde_json::to_string(r).unwrap()), "{r}");
            assert!(candidate(&serde_json::to_string_pretty(r).unwrap()), "{r}");
        }
        let no = [
            json!({"Event": {"System": {"Provider": {"#attributes": {"Name": "EventLog"}}, "EventID": 6005}}}),
            json!({"Event": {"System": {"Provider": {"#attributes": {"Name": "Schannel"}}, "EventID": 36880}}}),
            json!({"Event": {"System": {"Provider": {"#attributes": {"Name": "Microsoft-Windows-Security-Auditing"}}, "EventID": 4672}}}),
        ];
        for r in &no {
            assert!(!candidate(&serde_json::to_string(r).unwrap()), "{r}");
            assert!(!candidate(&serde_json::to_string_pretty(r).unwrap()), "{r}");
        }
        assert!(candidate("not json at all"), "unsure means parse and let decode decide");
    }

    #[test]
    fn unknown_events_and_non_rdp_4624_are_skipped() {
        let rec = json!({"Event": {"System": {"Provider": {"#attributes": {"Name": "EventLog"}}, "EventID": 6005, "Channel": "System"}}});
        assert!(decode(&rec, 0, 1, 0).is_none());
        let rec = json!({"Event": {"System": {"Provider": {"#attributes": {"Name": "Microsoft-Windows-Security-Auditing"}}, "EventID": 4624, "Channel": "Security"},
            "EventData": {"LogonType": 5}}});
        assert!(decode(&rec, 0, 1, 0).is_none());
        assert!(decode(&json!({"garbage": true}), 0, 1, 0).is_none());
    }
}
