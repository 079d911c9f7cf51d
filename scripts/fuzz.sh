#!/usr/bin/env bash
# Fuzz every hand-written parser (fuzz/fuzz_targets) for SECONDS each (default 60), one after the other,
# and print execs/s and what was found. Runs on the stable toolchain: cargo-fuzz's nightly flags are
# enabled with RUSTC_BOOTSTRAP=1 (libFuzzer via libfuzzer-sys, AddressSanitizer on).
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
# Corpus: fuzz/corpus/TARGET (kept between runs, git-ignored), seeded from fuzz/seeds/TARGET, the
# real-server frames under tests/fixtures and the saved crashes (fuzz/regressions/TARGET). A crash is
# saved under fuzz/artifacts/TARGET/ and makes the script exit 1: minimise it (`cargo fuzz tmin`), keep
# it in fuzz/regressions/TARGET/ (replayed by `cargo test --lib fuzzing` on stable) and fix the parser.
# Parallel invocations for different targets are safe (one corpus and log per target, one build log per
# invocation, cargo's lock serialises the builds): e.g. `nice -n 19 scripts/fuzz.sh 1800 x224_reply &`.
set -euo pipefail
cd "$(dirname "$0")/.."
SCRIPT_NAME=fuzz
STATE=${TMPDIR:-/tmp}
. scripts/lib.sh

SECONDS_EACH="${1:-60}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(x224_reply tls_reply cert_flight tsrequest ntlm_challenge session_frame tsgu reg_export evtx_rules)
SANITIZER="${FUZZ_SANITIZER:-address}"

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version =0.13.2 --locked
command -v c++ >/dev/null || ensure_packages g++
export RUSTC_BOOTSTRAP=1

# Seeds: committed seeds, then the real-server fixtures for the parsers that read them.
seed() { # TARGET DIR... (only the targets of this run: another run may own the other corpora)
    local t=$1; shift
    [[ " ${TARGETS[*]} " == *" $t "* ]] || return 0
    mkdir -p "fuzz/corpus/$t"
    for d in "$@" "fuzz/regressions/$t"; do
        [ -d "$d" ] && find "$d" -maxdepth 1 -type f ! -name '*.md' ! -name 'README*' -exec cp -n {} "fuzz/corpus/$t/" \;
    done
    return 0
}
seed x224_reply fuzz/seeds/x224_reply tests/fixtures/x224
seed tls_reply fuzz/seeds/tls_reply tests/fixtures/tls
seed cert_flight fuzz/seeds/cert_flight tests/fixtures/tls
seed tsrequest fuzz/seeds/tsrequest
seed ntlm_challenge fuzz/seeds/ntlm_challenge
seed session_frame fuzz/seeds/session_frame tests/fixtures/x224
seed tsgu fuzz/seeds/tsgu
seed reg_export fuzz/seeds/reg_export
seed evtx_rules fuzz/seeds/evtx_rules

# FUZZ_PREBUILT=1 runs the binaries as last built, without cargo: a commit moves HEAD, which rebuilds
# rdp-doctor (build.rs names the commit), ~15 min of ASan build on a shared machine for the same code.
PREBUILT="${FUZZ_PREBUILT:-0}"
BIN_DIR="fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release"
if [ "$PREBUILT" = 1 ]; then
    log "running the targets as last built in $BIN_DIR (FUZZ_PREBUILT=1)"
    for t in "${TARGETS[@]}"; do [ -x "$BIN_DIR/$t" ] || die "$BIN_DIR/$t is not built: run once without FUZZ_PREBUILT"; done
else
    log "building the fuzz targets (sanitizer $SANITIZER; the first build takes a while)"
    build_log="$STATE/fuzz-build-$$.log"
    (cd fuzz && cargo fuzz build -O -s "$SANITIZER") >"$build_log" 2>&1 \
        || { tail -n 30 "$build_log" >&2; die "cargo fuzz build failed"; }
    rm -f "$build_log"
fi
printf '%-16s %8s %12s %10s %8s %6s %7s %s\n' TARGET SECONDS EXECS EXECS/S CORPUS COV FT FOUND
found_any=0
for t in "${TARGETS[@]}"; do
    log="$STATE/fuzz-$t.log"
    mkdir -p "fuzz/artifacts/$t"
    before=$(find "fuzz/artifacts/$t" -type f | wc -l)
    set +e
    args=(-max_total_time="$SECONDS_EACH" -print_final_stats=1 -max_len=70000 -rss_limit_mb=1024 -timeout=10
        -close_fd_mask=3)
    if [ "$PREBUILT" = 1 ]; then # what `cargo fuzz run` runs
        (cd fuzz && ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_odr_violation=0" \
            "../$BIN_DIR/$t" -artifact_prefix="$PWD/artifacts/$t/" "${args[@]}" "corpus/$t") >"$log" 2>&1
    else
        (cd fuzz && cargo fuzz run -O -s "$SANITIZER" "$t" "corpus/$t" -- "${args[@]}") >"$log" 2>&1
    fi
    set -e
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
    # Coverage from libFuzzer's last status line ("#N  pulse|REDUCE|NEW  cov: C ft: F corp: ...").
    status=$(grep -E '^#[0-9]+.*cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
    cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$status")
    ft=$(sed -nE 's/.*ft: ([0-9]+).*/\1/p' <<<"$status")
    after=$(find "fuzz/artifacts/$t" -type f | wc -l)
    found="nothing"
    if [ "$after" -gt "$before" ] || grep -q 'ERROR: libFuzzer\|panicked at' "$log"; then
        found="CRASH: $(grep -m1 -o 'panicked at [^ ]*\|ERROR: libFuzzer: [a-z-]*' "$log" || true) (see $log, fuzz/artifacts/$t)"
        found_any=1
    fi
    printf '%-16s %8s %12s %10s %8s %6s %7s %s\n' "$t" "$SECONDS_EACH" "${execs:-?}" "${rate:-?}" "$corpus" \
        "${cov:-?}" "${ft:-?}" "$found"
done
exit "$found_any"
