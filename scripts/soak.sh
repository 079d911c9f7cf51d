#!/usr/bin/env bash
# Soak: N diagnoses (default 1000) against lab servers in one process (examples/soak.rs), printing open
# file descriptors, RSS and threads every N/10 runs. All three must stay flat; runs/s is the throughput.
# Usage: scripts/soak.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000}"
cargo build --release --example soak -q
exec target/release/examples/soak "$N"
