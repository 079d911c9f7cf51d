//! The rules ARCHITECTURE.md states, checked over the source text (a grep is enough, and it cannot
//! drift from the code the way a comment can).

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("read {}: {e}", d.display())) {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Every line of the Rust files under `src/<part>` (a directory or a file) that contains one of
/// `needles`, outside comments.
fn offending(parts: &[&str], needles: &[&str]) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut hits = Vec::new();
    for part in parts {
        let path = src.join(part);
        let files = if path.is_dir() { rust_files(&path) } else { vec![path.with_extension("rs")] };
        assert!(!files.is_empty() && files[0].exists(), "src/{part} does not exist: update this test");
        for file in files {
            let text = std::fs::read_to_string(&file).expect("read source");
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                if let Some(needle) = needles.iter().find(|needle| code.contains(*needle)) {
                    hits.push(format!("{}:{}: {needle}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    hits
}

#[test]
fn pure_layers_never_import_the_probe() {
    let hits = offending(
        &["diagnose", "report", "observations", "knowledge", "codec", "explain"],
        &["crate::probe", "rdp_doctor::probe", "super::probe"],
    );
    assert!(hits.is_empty(), "data flows back up (see ARCHITECTURE.md):\n{}", hits.join("\n"));
}

#[test]
fn the_lab_shares_codecs_not_the_probe() {
    let hits = offending(&["lab"], &["crate::probe", "rdp_doctor::probe"]);
    assert!(hits.is_empty(), "the lab must use `codec`, not the probe (ARCHITECTURE.md):\n{}", hits.join("\n"));
}

#[test]
fn codecs_and_the_diagnosis_do_no_io() {
    // Address types (std::net::IpAddr, SocketAddr) are data; sockets, files, awaits and clocks are not.
    let io = ["tokio", "TcpStream", "UdpSocket", "std::fs", ".await", "Instant::now", "SystemTime::now"];
    let hits = offending(&["codec", "diagnose", "observations"], &io);
    assert!(hits.is_empty(), "I/O or a clock in a pure layer (ARCHITECTURE.md):\n{}", hits.join("\n"));
}

#[test]
fn the_diagnosis_never_touches_the_network() {
    let hits = offending(&["diagnose", "knowledge"], &["tokio::net", "std::net::TcpStream", "UdpSocket", "socket2"]);
    assert!(hits.is_empty(), "a socket in the diagnosis (ARCHITECTURE.md):\n{}", hits.join("\n"));
}
