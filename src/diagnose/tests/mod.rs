//! Table tests of every rule in `diagnose/`, from hand-built observations, with no server.
//!
//! Each case is a story: given these observations (`build::healthy()` with one thing changed), the
//! diagnosis raises these finding ids, gives this verdict, predicts this client error pair, says this
//! phrase in its evidence (and judges the commonly given causes so). One file per rule file
//! (`network`, `negotiation`, `tls`, `light`, `credssp`, `session`, `gateway`, `budget` for the run's
//! deadline in `mod.rs`/`budget.rs`, `advice`, `client`, `watch`); each file's `cases!` table makes one
//! `#[test]` per case and lists them for `every_catalogued_id_has_a_case`, which fails when a
//! catalogued finding id has no case raising it (the evidence layer's ids are listed apart, with the
//! module that raises them). A rule found wrong is a case marked `#[ignore = "bug: ..."]` outside the
//! table (not counted as coverage): `cargo test --lib diagnose::tests -- --ignored` shows them fail.
//!
//! Run: `cargo test --lib diagnose::tests`.

use super::{Diagnosis, Finding, Settings, Severity, Verdict};
use crate::client::{ClientObs, ServerFacts};
use crate::knowledge::folk_causes::{FolkVerdict, Judged};
use crate::observations::{Observations, ProbeSample};

/// One table per file: `name: case;` makes `#[test] fn name()` and an entry of `all()`.
macro_rules! cases {
    ($($(#[doc = $doc:expr])* $name:ident: $case:expr;)+) => {
        $(
            $(#[doc = $doc])*
            #[test]
            fn $name() {
                $case.check(stringify!($name));
            }
        )+
        /// Every case of this file (for the catalogue check).
        pub(super) fn all() -> Vec<(&'static str, super::Case)> {
            vec![$((stringify!($name), $case)),+]
        }
    };
}

mod build;

mod advice;
mod budget;
mod client;
mod credssp;
mod gateway;
mod light;
mod negotiation;
mod network;
mod session;
mod tls;
mod watch;

/// What a case starts from: a server's observations (`diagnose_with`), a client's
/// (`client::diagnose`), or a `watch` series (`watch::summarize`).
pub(super) enum Given {
    Server(Box<Observations>, Settings),
    Client(Box<ClientObs>, Option<ServerFacts>),
    Watch(Vec<ProbeSample>),
}

/// The observations and what the diagnosis must make of them.
pub(super) struct Case {
    given: Given,
    /// The exact ids raised, in any order (duplicates count).
    exact: Option<Vec<&'static str>>,
    has: Vec<&'static str>,
    lacks: Vec<&'static str>,
    verdict: Option<Verdict>,
    /// `Some(None)`: no predicted client error.
    predicts: Option<Option<(u32, u32)>>,
    /// (id, phrase): the finding `id` says `phrase` in its summary or one evidence line.
    says: Vec<(&'static str, &'static str)>,
    /// (id, phrase): no finding `id` says `phrase`.
    never_says: Vec<(&'static str, &'static str)>,
    severity: Vec<(&'static str, Severity)>,
    /// (cause id, verdict, phrase of its reason): how `advice.rs` judged a commonly given cause.
    folk: Vec<(&'static str, FolkVerdict, &'static str)>,
}

/// Given a server's observations, judged with the default settings.
pub(super) fn given(obs: Observations) -> Case {
    given_with(obs, Settings::default())
}

pub(super) fn given_with(obs: Observations, settings: Settings) -> Case {
    Case::new(Given::Server(Box::new(obs), settings))
}

pub(super) fn given_client(obs: ClientObs, server: Option<ServerFacts>) -> Case {
    Case::new(Given::Client(Box::new(obs), server))
}

pub(super) fn given_watch(samples: Vec<ProbeSample>) -> Case {
    Case::new(Given::Watch(samples))
}

/// A finding's id as the JSON report spells it: the one place to change when ids become a type.
fn id_of(f: &Finding) -> &'static str {
    f.id.as_str()
}

/// A catalogue entry's id, spelled as in `id_of`.
fn catalogued_id(d: &super::FindingDef) -> &'static str {
    d.id.as_str()
}

/// What one case produced.
pub(super) struct Outcome {
    pub findings: Vec<Finding>,
    pub verdict: Option<Verdict>,
    pub predicted: Option<(u32, u32)>,
    pub folk: Vec<Judged>,
}

impl Outcome {
    fn ids(&self) -> Vec<&'static str> {
        self.findings.iter().map(id_of).collect()
    }
}

impl Case {
    fn new(given: Given) -> Case {
        Case {
            given,
            exact: None,
            has: vec![],
            lacks: vec![],
            verdict: None,
            predicts: None,
            says: vec![],
            never_says: vec![],
            severity: vec![],
            folk: vec![],
        }
    }

    /// Exactly these ids, in any order.
    pub fn ids(mut self, ids: &[&'static str]) -> Case {
        self.exact = Some(ids.to_vec());
        self
    }

    /// At least these ids.
    pub fn has(mut self, ids: &[&'static str]) -> Case {
        self.has.extend_from_slice(ids);
        self
    }

    /// None of these ids.
    pub fn lacks(mut self, ids: &[&'static str]) -> Case {
        self.lacks.extend_from_slice(ids);
        self
    }

    pub fn verdict(mut self, v: Verdict) -> Case {
        self.verdict = Some(v);
        self
    }

    /// The Windows client's pair for the first failing stage: discReason and extended code.
    pub fn predicts(mut self, code: u32, extended: u32) -> Case {
        self.predicts = Some(Some((code, extended)));
        self
    }

    pub fn predicts_nothing(mut self) -> Case {
        self.predicts = Some(None);
        self
    }

    /// Finding `id` says `phrase` (in its summary or an evidence line).
    pub fn says(mut self, id: &'static str, phrase: &'static str) -> Case {
        self.says.push((id, phrase));
        self
    }

    /// No finding `id` says `phrase`.
    pub fn never_says(mut self, id: &'static str, phrase: &'static str) -> Case {
        self.never_says.push((id, phrase));
        self
    }

    pub fn severity(mut self, id: &'static str, s: Severity) -> Case {
        self.severity.push((id, s));
        self
    }

    /// The commonly given cause `id` is judged `verdict`, and its reason says `phrase` ("" for any).
    pub fn folk(mut self, id: &'static str, verdict: FolkVerdict, phrase: &'static str) -> Case {
        self.folk.push((id, verdict, phrase));
        self
    }

    /// Run the rules on the observations.
    pub fn run(&self) -> Outcome {
        match &self.given {
            Given::Server(obs, settings) => {
                let d: Diagnosis = super::diagnose_with(obs, settings);
                Outcome {
                    predicted: d.predicted_client_error.as_ref().map(|c| (c.code, c.extended)),
                    verdict: Some(d.verdict),
                    findings: d.findings,
                    folk: d.folk_causes,
                }
            }
            Given::Client(obs, server) => {
                let d = super::client::diagnose(obs, server.as_ref());
                Outcome {
                    predicted: d.predicted_client_error.as_ref().map(|c| (c.code, c.extended)),
                    verdict: Some(d.verdict),
                    findings: d.findings,
                    folk: d.folk_causes,
                }
            }
            Given::Watch(samples) => Outcome {
                findings: super::watch::summarize(samples).findings,
                verdict: None,
                predicted: None,
                folk: vec![],
            },
        }
    }

    /// Run and assert every expectation; returns the ids raised.
    pub fn check(&self, name: &str) -> Vec<&'static str> {
        let out = self.run();
        let ids = out.ids();
        let shown = || {
            out.findings
                .iter()
                .map(|f| {
                    format!("  {} [{}] {}\n    {}", id_of(f), f.severity.as_str(), f.summary, f.evidence.join("\n    "))
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        if let Some(want) = &self.exact {
            let (mut a, mut b) = (ids.clone(), want.clone());
            a.sort_unstable();
            b.sort_unstable();
            assert_eq!(a, b, "{name}: ids raised (left) are not the ids expected (right); findings:\n{}", shown());
        }
        for id in &self.has {
            assert!(ids.contains(id), "{name}: expected {id}; raised {ids:?}\n{}", shown());
        }
        for id in &self.lacks {
            assert!(!ids.contains(id), "{name}: {id} must not be raised\n{}", shown());
        }
        if let Some(v) = self.verdict {
            assert_eq!(out.verdict, Some(v), "{name}: verdict; findings:\n{}", shown());
        }
        if let Some(p) = self.predicts {
            let hex = |p: Option<(u32, u32)>| p.map(|(c, x)| format!("0x{c:X} / 0x{x:X}"));
            assert_eq!(hex(out.predicted), hex(p), "{name}: predicted client error; findings:\n{}", shown());
        }
        let says = |id: &str, phrase: &str| {
            out.findings
                .iter()
                .filter(|f| id_of(f) == id)
                .any(|f| f.summary.contains(phrase) || f.evidence.iter().any(|e| e.contains(phrase)))
        };
        for (id, phrase) in &self.says {
            assert!(ids.contains(id), "{name}: expected {id} saying {phrase:?}; raised {ids:?}\n{}", shown());
            assert!(says(id, phrase), "{name}: {id} does not say {phrase:?}\n{}", shown());
        }
        for (id, phrase) in &self.never_says {
            assert!(!says(id, phrase), "{name}: {id} must not say {phrase:?}\n{}", shown());
        }
        for (id, sev) in &self.severity {
            let got: Vec<Severity> = out.findings.iter().filter(|f| id_of(f) == *id).map(|f| f.severity).collect();
            assert!(!got.is_empty(), "{name}: expected {id} at {}; raised {ids:?}", sev.as_str());
            assert!(got.iter().all(|s| s == sev), "{name}: {id} severity {got:?}, expected {sev:?}\n{}", shown());
        }
        for (id, verdict, phrase) in &self.folk {
            let j = out.folk.iter().find(|j| j.id == *id);
            let j = j.unwrap_or_else(|| panic!("{name}: no commonly given cause {id}"));
            assert_eq!(j.verdict, *verdict, "{name}: folk cause {id}: {}", j.why);
            assert!(j.why.contains(phrase), "{name}: folk cause {id} does not say {phrase:?}: {}", j.why);
        }
        ids
    }
}

/// Catalogued ids that no function under `diagnose/` raises: the evidence layer (`rdp-doctor
/// evidence`, `diagnose --evidence`) raises them from event logs and registry exports, tested in
/// `src/evidence/` and tests/it/evidence.rs.
const NOT_RAISED_BY_DIAGNOSE: &[(&str, &str)] = &[
    ("schannel-private-key-unusable", "evidence::rules (Schannel 36870)"),
    ("rdp-cert-not-created", "evidence::rules (TermService 1057/1058)"),
    ("credssp-version-refused", "evidence::rules (LsaSrv 6041 in the server's records)"),
    ("rdp-network-drops", "evidence::rules (RdpCoreTS 142/143/226)"),
    ("session-ended-by-server", "evidence::rules (LocalSessionManager 40)"),
    ("client-disconnect-recorded", "evidence::rules (RDPClient 1026 in exported logs)"),
    ("evidence-nla-mismatch", "evidence::join (registry against the wire)"),
    ("evidence-cert-mismatch", "evidence::join (registry against the wire)"),
];

fn every_case() -> Vec<(&'static str, Case)> {
    let mut all = Vec::new();
    for table in [
        network::all,
        negotiation::all,
        tls::all,
        light::all,
        credssp::all,
        session::all,
        gateway::all,
        budget::all,
        advice::all,
        client::all,
        watch::all,
    ] {
        all.extend(table());
    }
    all
}

#[test]
fn every_catalogued_id_has_a_case() {
    let mut raised = std::collections::BTreeSet::new();
    for (name, case) in every_case() {
        raised.extend(case.check(name));
    }
    let missing: Vec<&str> = super::CATALOGUE
        .iter()
        .map(catalogued_id)
        .filter(|id| !raised.contains(id) && !NOT_RAISED_BY_DIAGNOSE.iter().any(|(x, _)| x == id))
        .collect();
    assert!(missing.is_empty(), "catalogued ids no table case raises: {missing:?}");
    // The exclusions must stay true: no case raises them, and no rule file of `diagnose/` names them.
    for (id, by) in NOT_RAISED_BY_DIAGNOSE {
        assert!(!raised.contains(id), "{id} is raised by a diagnose case, yet listed as raised only by {by}");
        assert!(super::CATALOGUE.iter().any(|d| catalogued_id(d) == *id), "{id} is no longer catalogued");
        for (file, text) in RULE_FILES {
            assert!(!text.contains(&format!("\"{id}\"")), "diagnose/{file} names {id}: give it a table case");
        }
    }
}

/// The rule files of `diagnose/`, read for the check above.
const RULE_FILES: &[(&str, &str)] = &[
    ("mod.rs", include_str!("../mod.rs")),
    ("network.rs", include_str!("../network.rs")),
    ("negotiation.rs", include_str!("../negotiation.rs")),
    ("tls.rs", include_str!("../tls.rs")),
    ("light.rs", include_str!("../light.rs")),
    ("credssp.rs", include_str!("../credssp.rs")),
    ("session.rs", include_str!("../session.rs")),
    ("gateway.rs", include_str!("../gateway.rs")),
    ("budget.rs", include_str!("../budget.rs")),
    ("client.rs", include_str!("../client.rs")),
    ("watch.rs", include_str!("../watch.rs")),
    ("advice.rs", include_str!("../advice.rs")),
];

#[test]
fn the_healthy_server_is_healthy() {
    // The starting point of every case: only the informational findings of a server that works.
    given(build::healthy())
        .ids(&[
            "nla-required",
            "restricted-admin-supported",
            "credssp-host-info",
            "credentials-accepted",
            "session-established",
        ])
        .verdict(Verdict::Healthy)
        .predicts_nothing()
        .severity("nla-required", Severity::Info)
        .check("healthy");
}

/// What `diagnose_with` promises about every diagnosis, checked on every server case: the verdict
/// agrees with the severities, a client error is predicted only for a failure, every id is catalogued.
#[test]
fn every_case_keeps_the_verdict_rules() {
    for (name, case) in every_case() {
        if !matches!(case.given, Given::Server(..)) {
            continue;
        }
        let out = case.run();
        let worst = out.findings.iter().map(|f| f.severity).min();
        let error = worst.is_some_and(|s| s <= Severity::Error);
        match out.verdict {
            Some(Verdict::Healthy) => {
                assert!(worst.is_none_or(|s| s == Severity::Info), "{name}: healthy with {worst:?}")
            }
            Some(Verdict::Degraded) => assert_eq!(worst, Some(Severity::Warning), "{name}: degraded"),
            Some(Verdict::Failing | Verdict::Unreachable) => assert!(error, "{name}: failing without an error"),
            Some(Verdict::Incomplete) => assert!(!error, "{name}: incomplete with an error finding"),
            None => unreachable!("a server case has a verdict"),
        }
        if out.predicted.is_some() {
            assert!(error, "{name}: a client error predicted without a failure");
        }
        for f in &out.findings {
            assert!(
                super::CATALOGUE.iter().any(|d| catalogued_id(d) == id_of(f)),
                "{name}: {} is not catalogued",
                id_of(f)
            );
        }
    }
}

/// Every evidence line says something. `session.rs` once pushed `error`/`not_checked` as evidence even
/// when the probe left them empty (`unwrap_or_default()`), so `session-incomplete`, `session-stalled`
/// and `disconnected-by-server` carried an empty line in these cases; the report then printed an empty
/// bullet. The lab always fills them, so no lab report showed it.
#[test]
fn no_evidence_line_is_empty() {
    let mut empty = std::collections::BTreeSet::new();
    for (name, case) in every_case() {
        for f in case.run().findings {
            assert!(!f.evidence.is_empty(), "{name}: {} has no evidence", id_of(&f));
            if f.evidence.iter().any(|e| e.trim().is_empty()) {
                empty.insert(id_of(&f));
            }
        }
    }
    assert!(empty.is_empty(), "findings with an empty evidence line: {empty:?}");
}
