//! Reads the few fields the rules need out of an event rendered as XML (`EvtRender` with
//! `EvtRenderEventXml`; schema http://schemas.microsoft.com/win/2004/08/events/event): EventID,
//! Provider Name, TimeCreated SystemTime, Correlation ActivityID and the EventData `<Data>`
//! elements. A scanner, not an XML parser: bounded, never panics, and gives `None` for what it cannot
//! find.

use super::EventRecord;

/// An event's XML larger than this is not read (RDP client events are about 1.5 KiB).
pub const MAX_EVENT_XML: usize = 64 * 1024;
/// At most this many `<Data>` elements are kept.
const MAX_DATA: usize = 32;

/// The record in `xml`, or `None` when it has no EventID.
pub fn parse(xml: &str) -> Option<EventRecord> {
    let mut cut = xml.len().min(MAX_EVENT_XML);
    while !xml.is_char_boundary(cut) {
        cut -= 1;
    }
    let xml = &xml[..cut];
    let id = element_text(xml, "EventID")?.trim().parse().ok()?;
    let provider = attribute(xml, "Provider", "Name").unwrap_or_default();
    let time = attribute(xml, "TimeCreated", "SystemTime").unwrap_or_default();
    let activity_id = attribute(xml, "Correlation", "ActivityID");
    let mut data = Vec::new();
    if let Some(start) = xml.find("<EventData") {
        let mut rest = &xml[start..];
        let mut unnamed = 0;
        while let Some(i) = rest.find("<Data") {
            if data.len() >= MAX_DATA {
                break;
            }
            rest = &rest[i + 5..];
            let Some(end_tag) = rest.find('>') else { break };
            let attrs = &rest[..end_tag];
            if !(attrs.is_empty() || attrs.starts_with([' ', '/', '\t', '\n', '\r'])) {
                continue; // <DataItem> or the like
            }
            let name = attr_value(attrs, "Name").unwrap_or_else(|| {
                unnamed += 1;
                format!("Data{unnamed}")
            });
            let value = if attrs.ends_with('/') {
                String::new()
            } else {
                let body = &rest[end_tag + 1..];
                body.find("</Data>").map(|j| unescape(&body[..j])).unwrap_or_default()
            };
            data.push((name, value));
            rest = &rest[end_tag + 1..];
        }
    }
    Some(EventRecord { id, time, provider, activity_id, data })
}

/// The text of the first `<tag ...>text</tag>`.
fn element_text(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}");
    let mut from = 0;
    while let Some(i) = xml[from..].find(&open) {
        let at = from + i + open.len();
        let rest = &xml[at..];
        if rest.starts_with(['>', ' ']) {
            let gt = rest.find('>')?;
            let body = &rest[gt + 1..];
            let end = body.find(&format!("</{tag}>"))?;
            return Some(unescape(&body[..end]));
        }
        from = at;
    }
    None
}

/// The value of attribute `attr` on the first `<tag ...>`.
fn attribute(xml: &str, tag: &str, attr: &str) -> Option<String> {
    let open = format!("<{tag} ");
    let i = xml.find(&open)?;
    let rest = &xml[i + open.len()..];
    let gt = rest.find('>')?;
    attr_value(&rest[..gt], attr)
}

fn attr_value(attrs: &str, attr: &str) -> Option<String> {
    let key = format!("{attr}=");
    let mut from = 0;
    while let Some(i) = attrs[from..].find(&key) {
        let at = from + i;
        let before_ok = at == 0 || attrs[..at].ends_with([' ', '\t', '\n', '\r']);
        let rest = &attrs[at + key.len()..];
        if before_ok {
            let quote = rest.chars().next().filter(|c| *c == '\'' || *c == '"')?;
            let body = &rest[1..];
            let end = body.find(quote)?;
            return Some(unescape(&body[..end]));
        }
        from = at + key.len();
    }
    None
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_1026_record() {
        let xml = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider \
                   Name='Microsoft-Windows-TerminalServices-ClientActiveXCore' Guid='{28aa95bb-d444-4719-a36f-40462168127e}'/>\
                   <EventID>1026</EventID><Version>0</Version><TimeCreated SystemTime='2026-11-21T10:00:03.1234567Z'/>\
                   <Correlation ActivityID='{780cf827-0ed1-4f4b-924c-3b14e7660000}'/><Channel>Microsoft-Windows-\
                   TerminalServices-RDPClient/Operational</Channel></System><EventData><Data Name='Name'>Disconnect \
                   Reason</Data><Data Name='Value'>2308</Data><Data Name='CustomLevel'/></EventData></Event>";
        let e = parse(xml).expect("record");
        assert_eq!(e.id, 1026);
        assert_eq!(e.provider, "Microsoft-Windows-TerminalServices-ClientActiveXCore");
        assert_eq!(e.time, "2026-11-21T10:00:03.1234567Z");
        assert_eq!(e.activity_id.as_deref(), Some("{780cf827-0ed1-4f4b-924c-3b14e7660000}"));
        assert_eq!(e.data("Value"), Some("2308"));
        assert_eq!(e.data("CustomLevel"), Some(""));
    }

    #[test]
    fn classic_event_with_qualifiers_and_unnamed_data() {
        let xml = "<Event><System><Provider Name=\"LsaSrv\"/><EventID Qualifiers=\"32768\">6041</EventID>\
                   <TimeCreated SystemTime=\"2026-11-21T10:00:02Z\"/></System><EventData><Data>rds01 &amp; co</Data>\
                   <Data>3</Data></EventData></Event>";
        let e = parse(xml).expect("record");
        assert_eq!(e.id, 6041);
        assert_eq!(e.data, [("Data1".to_string(), "rds01 & co".to_string()), ("Data2".into(), "3".into())]);
    }

    #[test]
    fn garbage_never_panics() {
        for s in [
            "",
            "<EventID>",
            "<EventID>x</EventID>",
            "<EventID>1</EventID><EventData><Data Name='",
            "<Provider Name='é",
        ] {
            let _ = parse(s);
        }
        assert_eq!(parse("<EventID>7</EventID><EventData><Data").map(|e| e.data.len()), Some(0));
    }
}
