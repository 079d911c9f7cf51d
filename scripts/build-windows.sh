#!/usr/bin/env bash
# Cross-builds rdp-doctor.exe for Windows (x86_64-pc-windows-gnu, mingw-w64) on Debian.
# Installs what it needs, idempotently: the rustup target and gcc-mingw-w64-x86-64 (root for apt).
#
#   scripts/build-windows.sh [--debug] [--with-test-helpers]
#
# Output: target/x86_64-pc-windows-gnu/{release,debug}/rdp-doctor.exe (and, with --with-test-helpers,
# examples/plant_termsrv_credential.exe, used only by scripts/test-windows.sh). Prints the build time.
# On Windows itself build with MSVC instead: see README ("Windows").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SCRIPT_NAME=build-windows
STATE="$PWD/target/windows"
mkdir -p "$STATE"
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

TARGET=x86_64-pc-windows-gnu
profile=release
helpers=()
for arg in "$@"; do
    case "$arg" in
        --debug) profile=debug ;;
        --with-test-helpers) helpers=(--example plant_termsrv_credential) ;;
        *) die "unknown argument $arg (usage: $0 [--debug] [--with-test-helpers])" ;;
    esac
done

ensure_packages gcc-mingw-w64-x86-64
command -v rustup >/dev/null || die "rustup is needed to add the $TARGET target"
if ! rustup target list --installed | grep -qx "$TARGET"; then
    log "adding the Rust target $TARGET"
    rustup target add "$TARGET" >/dev/null
fi

profile_flag=(--release)
[ "$profile" = debug ] && profile_flag=()
start=$(date +%s%N)
cargo build "${profile_flag[@]}" --target "$TARGET" --bin rdp-doctor "${helpers[@]}"
ms=$((($(date +%s%N) - start) / 1000000))
exe="target/$TARGET/$profile/rdp-doctor.exe"
[ -f "$exe" ] || die "$exe was not built"
log "built $exe in $((ms / 1000)).$((ms % 1000 / 100)) s"
