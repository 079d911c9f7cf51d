//! How an explanation reads: the text and the list views (`--json` serialises the same values).

use super::*;

pub(super) fn basis_name(b: Basis) -> &'static str {
    match b {
        Basis::Documented => "documented",
        Basis::Observed => "observed",
        Basis::Inferred => "inferred",
    }
}

pub(super) fn render_text(x: &Explanation, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "Query: {}", x.query.input.trim())?;
    let n = x.readings.len();
    for (i, r) in x.readings.iter().enumerate() {
        writeln!(out)?;
        let role = match r.role {
            Role::Primary => "code",
            Role::Extended => "extended code",
        };
        writeln!(out, "Reading {} of {}: {} {} ({})", i + 1, n, role, r.input, r.interpretation)?;
        writeln!(out, "  table    {} - {}", r.table_name, r.table.title())?;
        writeln!(out, "  value    {} ({})", r.value_hex, r.value)?;
        writeln!(out, "  name     {}", r.name)?;
        writeln!(out, "  meaning  {}", r.meaning)?;
        writeln!(out, "  source   {}", r.source)?;
        writeln!(out, "  basis    {}", basis_name(r.basis))?;
        if let Some(l) = r.layer {
            writeln!(out, "  layer    {}", l.name())?;
        }
        if let Some(note) = r.note {
            writeln!(out, "  note     {note}")?;
        }
    }
    for u in &x.unknown_codes {
        writeln!(out)?;
        writeln!(out, "{}", u.message)?;
        match &u.nearest_category {
            Some(c) => writeln!(out, "  nearest category: {c}")?,
            None => writeln!(out, "  nearest category: none")?,
        }
    }
    if x.query.codes.is_empty() {
        writeln!(out, "unknown: no code given")?;
    }
    if n > 1 && x.progress.is_none() && !x.query.codes.iter().any(|c| c.role == Role::Extended) {
        writeln!(out)?;
        writeln!(out, "This number has {n} readings; which one applies depends on where you saw it.")?;
    }
    for note in &x.notes {
        writeln!(out, "Note: {note}")?;
    }
    if let Some(p) = &x.progress {
        writeln!(out)?;
        writeln!(out, "How far the connection got")?;
        let done = if p.completed.is_empty() { "nothing".to_string() } else { p.completed.join(", ") };
        writeln!(out, "  completed  {done}")?;
        writeln!(out, "  failed at  {}", p.failed_at)?;
        writeln!(out, "  {}", p.summary)?;
    }
    if !x.likely_causes.is_empty() {
        writeln!(out)?;
        writeln!(out, "Likely causes (most likely first)")?;
        for c in &x.likely_causes {
            writeln!(out, "  {}. {}", c.rank, c.text)?;
            writeln!(out, "     check: {}", c.check)?;
        }
    }
    if !x.folk_causes.is_empty() {
        writeln!(out)?;
        writeln!(out, "The advice you may have read")?;
        for c in &x.folk_causes {
            writeln!(out, "  {:<9}  {}", c.verdict.word(), c.cause)?;
            wrap_hanging(out, 13, &c.why)?;
            if c.verdict != folk_causes::FolkVerdict::RuledOut {
                wrap_hanging(out, 13, &format!("check: {}", c.check))?;
            }
        }
    }
    if let Some(cmd) = &x.diagnose_command {
        writeln!(out)?;
        writeln!(out, "Test it: {cmd}")?;
    }
    Ok(())
}

/// `text` indented by `indent` spaces and wrapped at 100 columns (continuation lines two further in).
pub(super) fn wrap_hanging(out: &mut dyn Write, indent: usize, text: &str) -> std::io::Result<()> {
    let room = 100usize.saturating_sub(indent).max(40);
    // Continuation lines sit two columns further in.
    let mut line = String::new();
    let mut first = true;
    for word in text.split_whitespace() {
        let limit = if first { room } else { room - 2 };
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > limit {
            writeln!(out, "{:pad$}{line}", "", pad = if first { indent } else { indent + 2 })?;
            first = false;
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        writeln!(out, "{:pad$}{line}", "", pad = if first { indent } else { indent + 2 })?;
    }
    Ok(())
}

/// `explain --list folk-causes`: the commonly given causes with their stage, codes, checks and fixes.
pub(super) fn render_folk_list(json: bool, out: &mut dyn Write) -> std::io::Result<()> {
    if json {
        serde_json::to_writer_pretty(&mut *out, FOLK_CAUSES).map_err(std::io::Error::other)?;
        return writeln!(out);
    }
    writeln!(out, "{} - {} ({} entries)", FOLK_LIST_NAME, FOLK_LIST_TITLE, FOLK_CAUSES.len())?;
    for c in FOLK_CAUSES {
        let stages: Vec<&str> = c.stages.iter().map(|s| s.name()).collect();
        writeln!(out, "  {:<20} {}", c.id, c.cause)?;
        writeln!(out, "  {:<20} breaks at: {}", "", stages.join(", "))?;
        for p in c.produces {
            let code = match p.link {
                folk_causes::CodeLink::Pair { code, extended } => format!("{} / {}", hex(code), hex(extended)),
                folk_causes::CodeLink::ErrorInfo(x) => format!("errorInfo {}", hex(x)),
                folk_causes::CodeLink::Code { table, value } => format!("{} {}", table.name(), hex(value)),
            };
            writeln!(out, "  {:<20} produces: {code} ({}): {}", "", basis_name(p.basis), p.note)?;
        }
        writeln!(out, "  {:<20} check: {}", "", folk_causes::check_line(c))?;
        writeln!(out, "  {:<20} fix: {}", "", c.fix)?;
        writeln!(out, "  {:<20} harm: {}", "", c.harm)?;
        writeln!(out, "  {:<20} source: {}", "", c.source)?;
    }
    Ok(())
}

/// The name `explain --list` takes for the table of commonly given causes.
pub const FOLK_LIST_NAME: &str = "folk-causes";
const FOLK_LIST_TITLE: &str = "commonly given causes and fixes: the stage each breaks, its codes, checks and harm";

#[derive(Serialize)]
pub(super) struct ListEntry {
    value: u32,
    value_hex: String,
    name: &'static str,
    meaning: &'static str,
    source: &'static str,
    basis: Basis,
    layer: Option<Layer>,
}

#[derive(Serialize)]
pub(super) struct ListTable {
    table: TableId,
    table_name: &'static str,
    title: &'static str,
    entries: Vec<ListEntry>,
}

pub(super) fn render_list(tables: &[TableId], json: bool, out: &mut dyn Write) -> std::io::Result<()> {
    if json {
        let doc: Vec<ListTable> = tables
            .iter()
            .map(|&t| ListTable {
                table: t,
                table_name: t.name(),
                title: t.title(),
                entries: knowledge::table(t)
                    .iter()
                    .map(|e| ListEntry {
                        value: e.value,
                        value_hex: hex(e.value),
                        name: e.name,
                        meaning: e.meaning,
                        source: e.source,
                        basis: e.basis,
                        layer: e.layer,
                    })
                    .collect(),
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::other)?;
        writeln!(out)?;
        return Ok(());
    }
    for (i, &t) in tables.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let entries = knowledge::table(t);
        writeln!(out, "{} - {} ({} entries)", t.name(), t.title(), entries.len())?;
        let width = entries.iter().map(|e| e.name.len()).max().unwrap_or(0);
        for e in entries {
            let mark = match e.basis {
                Basis::Documented => ' ',
                Basis::Observed => 'o',
                Basis::Inferred => '?',
            };
            writeln!(out, "  {:>10} {:>10} {mark} {:<width$}  {}", hex(e.value), e.value, e.name, e.meaning)?;
        }
    }
    if !json {
        writeln!(out)?;
        writeln!(out, "'?' marks an inferred meaning, 'o' an observed one; see explain CODE for the note.")?;
    }
    Ok(())
}
