#!/usr/bin/env bash
# Builds a Debian package of rdp-doctor with dpkg-deb: the release binary, the man pages and the bash,
# zsh and fish completions, all generated from the clap definitions by the binary itself.
#
#   scripts/build-deb.sh            -> target/debian/rdp-doctor_VERSION_ARCH.deb
#   sudo dpkg -i target/debian/rdp-doctor_*.deb && rdp-doctor --version && sudo dpkg -r rdp-doctor
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SCRIPT_NAME=build-deb
STATE="$PWD/target/debian"
mkdir -p "$STATE"
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
command -v dpkg-deb >/dev/null || die "dpkg-deb is needed (Debian's dpkg)"

cargo build --release --bin rdp-doctor
bin=target/release/rdp-doctor
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || true)
debversion="$version${commit:++git$commit}"
arch=$(dpkg --print-architecture)
# The newest glibc symbol version the binary needs is its libc6 dependency.
glibc=$(objdump -T "$bin" | sed -n 's/.*GLIBC_\([0-9.]*\).*/\1/p' | sort -V | tail -1)

root="$STATE/root"
rm -rf "$root"
install -Dm755 "$bin" "$root/usr/bin/rdp-doctor"
strip "$root/usr/bin/rdp-doctor"
mkdir -p "$root/usr/share/man/man1"
"$bin" manpage "$root/usr/share/man/man1"
gzip -9n "$root"/usr/share/man/man1/*.1
install -d "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
    "$root/usr/share/fish/vendor_completions.d"
"$bin" completions bash >"$root/usr/share/bash-completion/completions/rdp-doctor"
"$bin" completions zsh >"$root/usr/share/zsh/vendor-completions/_rdp-doctor"
"$bin" completions fish >"$root/usr/share/fish/vendor_completions.d/rdp-doctor.fish"
install -Dm644 README.md "$root/usr/share/doc/rdp-doctor/README.md"
cat >"$root/usr/share/doc/rdp-doctor/copyright" <<COPY
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: rdp-doctor

Files: *
License: MIT or Apache-2.0
COPY
size=$(du -sk "$root" | cut -f1)
mkdir -p "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<CONTROL
Package: rdp-doctor
Version: $debversion
Architecture: $arch
Maintainer: rdp-doctor developers <rdp-doctor@localhost>
Depends: libc6 (>= $glibc)
Installed-Size: $size
Section: net
Priority: optional
Description: finds out why a Remote Desktop (RDP) connection fails
 rdp-doctor walks an RDP connection the way a real client does (TCP, X.224
 negotiation, TLS and the certificate, CredSSP/NLA, the connection sequence),
 names the root cause with evidence, predicts the Windows client's error code
 pair and says how to fix it. It also explains any code pair offline.
CONTROL
deb="$STATE/rdp-doctor_${debversion}_${arch}.deb"
dpkg-deb --root-owner-group --build "$root" "$deb" >/dev/null
log "built $deb"
echo "$deb"
