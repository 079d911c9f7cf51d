# Shared by the project's scripts (source it; set SCRIPT_NAME and STATE first).
# die/log prefix messages with SCRIPT_NAME; ensure_packages installs missing Debian packages once
# (idempotent: dpkg -s first), logging apt's output to $STATE/apt-$SCRIPT_NAME.log.

die() { echo "$SCRIPT_NAME: ERROR: $*" >&2; exit 1; }
log() { echo "$SCRIPT_NAME: $*" >&2; }

ensure_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "missing packages ${missing[*]} and not root to install them"
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$STATE/apt-$SCRIPT_NAME.log" 2>&1 \
        || { tail -n 30 "$STATE/apt-$SCRIPT_NAME.log" >&2; die "apt-get install ${missing[*]} failed"; }
}
