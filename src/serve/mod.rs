//! `rdp-doctor serve`: a Prometheus exporter on blackbox_exporter's multi-target convention.
//! `GET /probe?target=HOST[:PORT]&module=NAME` runs one probe (the light probe for `quick`, the full
//! diagnosis for `full`, or a module from the YAML config) and answers with its metrics
//! (docs/metrics.md); `/metrics` holds the exporter's own; `/-/healthy` answers `Healthy`.
//!
//! The scrape's budget is `X-Prometheus-Scrape-Timeout-Seconds` less [`TIMEOUT_MARGIN`], capped by the
//! module's timeout. At most `max_concurrent` probes run at once; one target is probed by one scrape
//! at a time (its other scrapes wait their turn within their budget). Credentials come from an
//! environment variable or a file the module names (never from the URL) and go only to a server whose
//! certificate verifies (or matches the module's pin).

pub mod metrics;

use crate::target::Target;
use crate::{CertTrust, Credentials, Options, run_diagnosis, run_light};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// The default listen address: loopback only. 13389 echoes RDP's 3389; Prometheus' default port
/// allocations fill 9100-9999 (docs/metrics.md says more).
pub const DEFAULT_LISTEN: &str = "127.0.0.1:13389";
/// Taken off Prometheus' scrape timeout so the answer arrives before Prometheus gives up.
pub const TIMEOUT_MARGIN: Duration = Duration::from_millis(500);
/// Probes at once by default.
pub const DEFAULT_MAX_CONCURRENT: usize = 8;

/// The content type of the metrics text: the Prometheus text format 0.0.4 (see [`text_format`]).
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// prometheus-client writes OpenMetrics, where a counter's family is named without `_total`; the
/// Prometheus text format (what `promtool check metrics` reads) names it with. Rename those
/// families' HELP and TYPE lines and drop `# EOF`.
pub fn text_format(openmetrics: &str) -> String {
    let counters: Vec<&str> =
        openmetrics.lines().filter_map(|l| l.strip_prefix("# TYPE ")?.strip_suffix(" counter")).collect();
    let mut out = String::with_capacity(openmetrics.len() + 64);
    for line in openmetrics.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        let renamed = ["# HELP ", "# TYPE "].iter().find_map(|p| {
            let rest = line.strip_prefix(p)?;
            let name = rest.split(' ').next()?;
            counters.contains(&name).then(|| format!("{p}{name}_total{}", &rest[name.len()..]))
        });
        out.push_str(renamed.as_deref().unwrap_or(line));
        out.push('\n');
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Depth {
    Quick,
    Full,
}

/// Where a module's password comes from: never the URL, never the config file itself.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialsConfig {
    /// DOMAIN\USER, USER@DOMAIN or USER.
    pub user: String,
    /// The environment variable holding the password.
    pub password_env: Option<String>,
    /// A file whose first line is the password.
    pub password_file: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Module {
    pub depth: Depth,
    /// Seconds; the scrape timeout may lower it, never raise it.
    #[serde(default = "default_timeout")]
    pub timeout: f64,
    /// The client profile the TLS verdict is judged for.
    #[serde(default)]
    pub client: Option<String>,
    #[serde(default)]
    pub cert_warn_days: Option<u32>,
    /// Pause between connection starts to one server (full depth), milliseconds.
    #[serde(default)]
    pub pace_ms: Option<u64>,
    #[serde(default)]
    pub credentials: Option<CredentialsConfig>,
    /// Send credentials only to a certificate with this SHA-256 thumbprint (else: only a verified one).
    #[serde(default)]
    pub trust_cert: Option<String>,
}

fn default_timeout() -> f64 {
    10.0
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub modules: BTreeMap<String, Module>,
    /// Probes at once.
    #[serde(default)]
    pub max_concurrent: Option<usize>,
}

impl Config {
    /// The built-in modules, then the file's (which may redefine them).
    pub fn load(yaml: Option<&str>) -> Result<Config, String> {
        let mut cfg: Config = match yaml {
            Some(text) => serde_yaml::from_str(text).map_err(|e| e.to_string())?,
            None => Config { modules: BTreeMap::new(), max_concurrent: None },
        };
        let builtin = |depth, timeout| Module {
            depth,
            timeout,
            client: None,
            cert_warn_days: None,
            pace_ms: None,
            credentials: None,
            trust_cert: None,
        };
        cfg.modules.entry("quick".into()).or_insert_with(|| builtin(Depth::Quick, 5.0));
        cfg.modules.entry("full".into()).or_insert_with(|| builtin(Depth::Full, 30.0));
        for (name, m) in &cfg.modules {
            if !(m.timeout.is_finite() && m.timeout > 0.0 && m.timeout <= 600.0) {
                return Err(format!("module {name}: timeout must be between 0 and 600 seconds"));
            }
            if let Some(c) = &m.client
                && crate::knowledge::client_profiles::profile(c).is_none()
            {
                return Err(format!("module {name}: no client profile {c:?}"));
            }
            if let Some(c) = &m.credentials
                && c.password_env.is_some() == c.password_file.is_some()
            {
                return Err(format!("module {name}: credentials need exactly one of password_env, password_file"));
            }
            if let Some(pin) = &m.trust_cert
                && crate::probe::credssp::normalise_thumbprint(pin).len() != 64
            {
                return Err(format!("module {name}: trust_cert takes a SHA-256 thumbprint (64 hex digits)"));
            }
        }
        if cfg.max_concurrent == Some(0) {
            return Err("max_concurrent must be at least 1".into());
        }
        Ok(cfg)
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ModuleResult {
    module: String,
    result: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ModuleLabel {
    module: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Reason {
    reason: String,
}

/// The exporter's own metrics (`/metrics`).
struct Own {
    registry: Registry,
    probes: Family<ModuleResult, Counter>,
    durations: Family<ModuleLabel, Histogram>,
    in_flight: Gauge,
    errors: Family<Reason, Counter>,
}

impl Own {
    fn new() -> Own {
        let mut registry = Registry::default();
        let probes = Family::<ModuleResult, Counter>::default();
        let durations = Family::<ModuleLabel, Histogram>::new_with_constructor(|| {
            Histogram::new([0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0])
        });
        let in_flight = Gauge::default();
        let errors = Family::<Reason, Counter>::default();
        registry.register("rdp_exporter_probes", "Probes run, by module and result (success, failure)", probes.clone());
        registry.register("rdp_exporter_probe_duration_seconds", "How long probes took, by module", durations.clone());
        registry.register("rdp_exporter_probes_in_flight", "Probes running now", in_flight.clone());
        registry.register(
            "rdp_exporter_errors",
            "Requests refused before probing (bad_target, unknown_module, no_budget, credentials)",
            errors.clone(),
        );
        Own { registry, probes, durations, in_flight, errors }
    }
}

pub struct Exporter {
    config: Config,
    slots: Semaphore,
    /// One lock per target in flight (per-target politeness); removed when the last user leaves.
    targets: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    own: Own,
}

impl Exporter {
    pub fn new(config: Config) -> Arc<Exporter> {
        let n = config.max_concurrent.unwrap_or(DEFAULT_MAX_CONCURRENT);
        Arc::new(Exporter { config, slots: Semaphore::new(n), targets: Mutex::new(HashMap::new()), own: Own::new() })
    }

    fn error(&self, status: StatusCode, reason: &str, text: String) -> Response {
        self.own.errors.get_or_create(&Reason { reason: reason.into() }).inc();
        (status, text).into_response()
    }

    /// Run one probe within `budget`; the metrics text, or why not.
    pub async fn probe(
        &self,
        target: &str,
        module_name: &str,
        budget: Option<Duration>,
    ) -> Result<String, (StatusCode, &'static str, String)> {
        let Some(module) = self.config.modules.get(module_name) else {
            return Err((StatusCode::BAD_REQUEST, "unknown_module", format!("unknown module {module_name:?}\n")));
        };
        let target = Target::parse(target).map_err(|e| (StatusCode::BAD_REQUEST, "bad_target", format!("{e}\n")))?;
        let started = Instant::now();
        let mut limit = Duration::from_secs_f64(module.timeout);
        if let Some(b) = budget {
            limit = limit.min(b.saturating_sub(TIMEOUT_MARGIN));
        }
        if limit < Duration::from_millis(100) {
            return Err((StatusCode::BAD_REQUEST, "no_budget", "the scrape timeout leaves no time to probe\n".into()));
        }
        let end = started + limit;
        let mut opts = Options { timeout: limit, ..Options::default() };
        if let Some(c) = &module.client
            && let Some(p) = crate::knowledge::client_profiles::profile(c)
        {
            opts.plan.client_profile = p.name;
        }
        if let Some(d) = module.cert_warn_days {
            opts.settings.cert_warn_days = d;
        }
        if let Some(p) = module.pace_ms {
            opts.pace = Duration::from_millis(p);
        }
        if let Some(c) = &module.credentials {
            opts.credentials =
                Some(read_credentials(c).map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, "credentials", e))?);
            // Never AcceptAny, never a prompt: a verified chain or the module's pin.
            opts.cert_trust = match &module.trust_cert {
                Some(pin) => CertTrust::Pinned(crate::probe::credssp::normalise_thumbprint(pin)),
                None => CertTrust::Verify,
            };
        }
        // Wait for a slot and the target's turn within the budget.
        let key = target.authority().to_ascii_lowercase();
        let lock = {
            let mut map = self.targets.lock().unwrap_or_else(|e| e.into_inner());
            map.entry(key.clone()).or_default().clone()
        };
        let report = {
            let waited = tokio::time::timeout_at(end.into(), async {
                let permit = self.slots.acquire().await;
                let turn = lock.lock().await;
                (permit, turn)
            })
            .await;
            match waited {
                Ok((Ok(_permit), _turn)) => {
                    opts.timeout = end.saturating_duration_since(Instant::now()).max(Duration::from_millis(50));
                    self.own.in_flight.inc();
                    let run = async {
                        match module.depth {
                            Depth::Quick => run_light(&target, &opts).await,
                            Depth::Full => run_diagnosis(&target, &opts).await,
                        }
                    };
                    // The probe keeps its own deadline; this is the backstop.
                    let r = tokio::time::timeout_at((end + Duration::from_millis(200)).into(), run).await;
                    self.own.in_flight.dec();
                    r.ok()
                }
                _ => None,
            }
        };
        drop(lock);
        {
            let mut map = self.targets.lock().unwrap_or_else(|e| e.into_inner());
            if map.get(&key).is_some_and(|l| Arc::strong_count(l) == 1) {
                map.remove(&key);
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        let text = match &report {
            Some(r) => metrics::encode(r, seconds),
            None => format!(
                "# HELP rdp_probe_success 1 when the server was reached and no error was found (healthy or degraded)\n# TYPE rdp_probe_success gauge\nrdp_probe_success 0\n# HELP rdp_probe_duration_seconds How long the probe took, in seconds\n# TYPE rdp_probe_duration_seconds gauge\nrdp_probe_duration_seconds {seconds}\n"
            ),
        };
        let result = if report.as_ref().is_some_and(metrics::success) { "success" } else { "failure" };
        self.own.probes.get_or_create(&ModuleResult { module: module_name.into(), result: result.into() }).inc();
        self.own.durations.get_or_create(&ModuleLabel { module: module_name.into() }).observe(seconds);
        Ok(text)
    }

    fn own_metrics(&self) -> String {
        let mut out = String::new();
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.own.registry);
        out
    }
}

fn read_credentials(c: &CredentialsConfig) -> Result<Credentials, String> {
    let password = match (&c.password_env, &c.password_file) {
        (Some(var), _) => std::env::var(var).map_err(|_| format!("the environment variable {var} is not set\n"))?,
        (None, Some(path)) => std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the password file {path}: {e}\n"))?
            .lines()
            .next()
            .unwrap_or("")
            .to_string(),
        (None, None) => return Err("no password source\n".into()),
    };
    let (domain, user) = match c.user.split_once('\\') {
        Some((d, u)) if !d.is_empty() && !u.is_empty() => (Some(d.to_string()), u.to_string()),
        _ => (None, c.user.clone()),
    };
    Ok(Credentials { user, domain, password: zeroize::Zeroizing::new(password) })
}

async fn probe_handler(
    State(ex): State<Arc<Exporter>>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let Some(target) = q.get("target") else {
        return ex.error(StatusCode::BAD_REQUEST, "bad_target", "target parameter is missing\n".into());
    };
    let module = q.get("module").map(String::as_str).unwrap_or("quick");
    let budget = headers
        .get("X-Prometheus-Scrape-Timeout-Seconds")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v > 0.0 && *v < 86_400.0)
        .map(Duration::from_secs_f64);
    match ex.probe(target, module, budget).await {
        Ok(text) => ([(header::CONTENT_TYPE, CONTENT_TYPE)], text_format(&text)).into_response(),
        Err((status, reason, text)) => ex.error(status, reason, text),
    }
}

async fn metrics_handler(State(ex): State<Arc<Exporter>>) -> Response {
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], text_format(&ex.own_metrics())).into_response()
}

/// The HTTP routes, for `serve` and for tests.
pub fn router(ex: Arc<Exporter>) -> axum::Router {
    axum::Router::new()
        .route("/probe", get(probe_handler))
        .route("/metrics", get(metrics_handler))
        .route("/-/healthy", get(|| async { "Healthy\n" }))
        .with_state(ex)
}

/// Listen on `addr` and serve until the process ends.
pub async fn run(config: Config, addr: SocketAddr, ready: impl FnOnce(SocketAddr)) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    ready(listener.local_addr()?);
    axum::serve(listener, router(Exporter::new(config))).await
}
