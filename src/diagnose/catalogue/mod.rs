//! The finding catalogue: every finding id rdp-doctor can report, with its layer, default severity,
//! one-line title and remedies. The ids are a public interface (docs/findings.md); a rule may raise or
//! lower the severity where the evidence says so (for example when the Windows client's own request
//! is the one refused).

use super::{FindingId, Severity};
use crate::knowledge::Layer;

mod client;
mod credssp;
mod evidence;
mod gateway;
mod negotiation;
mod network;
mod probe;
mod session;
mod tls;

#[derive(Debug, Clone, Copy)]
pub struct FindingDef {
    pub id: FindingId,
    pub layer: Layer,
    pub severity: Severity,
    pub title: &'static str,
    pub remedies: &'static [&'static str],
}

/// A finding's catalogue entry. Total: every `FindingId` has exactly one, at its own index.
pub fn def(id: FindingId) -> &'static FindingDef {
    // In bounds and the right entry: `_CATALOGUE_IS_TOTAL` is checked when compiling.
    #[allow(clippy::indexing_slicing)]
    &CATALOGUE[id as usize]
}

/// The catalogue holds one entry per `FindingId`, in the enum's order, so that `def` is total. A
/// missing, extra or misplaced entry fails the build.
const _CATALOGUE_IS_TOTAL: () = {
    assert!(CATALOGUE.len() == FindingId::ALL.len(), "the catalogue and FindingId differ in length");
    let mut i = 0;
    while i < CATALOGUE.len() {
        assert!(CATALOGUE[i].id as usize == i, "a catalogue entry is out of FindingId's order");
        i += 1;
    }
};

/// Every entry, in `FindingId`'s order: the layers' tables one after the other.
const ALL: [FindingDef; FindingId::ALL.len()] = concat(&[
    network::DEFS,
    negotiation::DEFS,
    tls::DEFS,
    credssp::DEFS,
    session::DEFS,
    probe::DEFS,
    client::DEFS,
    gateway::DEFS,
    evidence::DEFS,
]);

pub const CATALOGUE: &[FindingDef] = &ALL;

/// The tables joined into one array, in order (a `const fn`: evaluated when compiling). A length that
/// does not add up fails the build here, before `_CATALOGUE_IS_TOTAL` checks the order.
#[allow(clippy::indexing_slicing)] // const evaluation: an index out of bounds fails the build
const fn concat<const N: usize>(parts: &[&[FindingDef]]) -> [FindingDef; N] {
    let mut out = [PLACEHOLDER; N];
    let (mut part, mut k) = (0, 0);
    while part < parts.len() {
        let mut i = 0;
        while i < parts[part].len() {
            assert!(k < N, "more catalogue entries than FindingId variants");
            out[k] = parts[part][i];
            (i, k) = (i + 1, k + 1);
        }
        part += 1;
    }
    assert!(k == N, "fewer catalogue entries than FindingId variants");
    out
}

/// Overwritten by `concat` before use.
const PLACEHOLDER: FindingDef = FindingDef {
    id: FindingId::DnsUnresolved,
    layer: Layer::Network,
    severity: Severity::Info,
    title: "",
    remedies: &[],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for d in CATALOGUE {
            assert!(seen.insert(d.id), "duplicate id {}", d.id);
            assert!(
                d.id.as_str().chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                d.id
            );
            assert!(!d.remedies.is_empty(), "{} has no remedy", d.id);
        }
    }

    /// docs/findings.md's table is the catalogue: one row per id, no other, with the same layer and
    /// default severity (its \"what it means\" column words the title for readers, with notes).
    #[test]
    fn findings_doc_table_matches_the_catalogue() {
        let doc = include_str!("../../../docs/findings.md");
        let rows: Vec<Vec<&str>> = doc
            .lines()
            .filter(|l| l.starts_with("| `"))
            .map(|l| l.trim_matches('|').split(" | ").map(str::trim).collect())
            .collect();
        let mut seen = std::collections::BTreeSet::new();
        for row in &rows {
            let id = row[0].trim_matches('`');
            let id = FindingId::parse(id)
                .unwrap_or_else(|| panic!("docs/findings.md documents `{id}`, not in the catalogue"));
            assert!(seen.insert(id), "docs/findings.md lists {id} twice");
            let d = def(id);
            assert_eq!(
                row[1].split(" (").next().unwrap_or_default(),
                d.layer.name(),
                "{id}: layer in docs/findings.md"
            );
            let severity = row[2].split(" (").next().unwrap_or_default();
            assert_eq!(severity, d.severity.as_str(), "{id}: default severity in docs/findings.md");
        }
        let missing: Vec<_> = FindingId::ALL.iter().filter(|id| !seen.contains(id)).collect();
        assert!(missing.is_empty(), "docs/findings.md does not document {missing:?}");
    }
}
