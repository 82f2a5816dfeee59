#!/usr/bin/env bash
# Updates AJIB from a release tarball, rolling back by itself if the new version is unhealthy.
#
#   sudo /opt/ajib/scripts/update.sh ajib-<version>-<target>.tar.gz
#   (or: sudo ajib-ctl update ajib-<version>-<target>.tar.gz)
#
# Steps: verify SHA256SUMS, back up the database (ajib-ctl backup create), swap the
# binaries atomically (keeping the old ones as *.prev), restart, poll
# http://<HTTP_LISTEN>/healthz until healthy or --timeout seconds pass. On failure the
# old binaries come back, the pre-update backup is restored, and the service restarts.
#
# Test options: --root DIR (install prefix), --no-systemd, --health-cmd CMD (run
# instead of the HTTP probe; healthy when it exits 0), --timeout SECONDS.
set -euo pipefail

ROOT=""
SYSTEMD=1
HEALTH_CMD=""
TIMEOUT=60
TARBALL=""

die() {
    echo "update.sh: error: $*" >&2
    exit 1
}

say() {
    echo "==> $*"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --root) ROOT="${2:?--root needs a directory}"; shift 2 ;;
        --no-systemd) SYSTEMD=0; shift ;;
        --health-cmd) HEALTH_CMD="${2?}"; shift 2 ;;
        --timeout) TIMEOUT="${2?}"; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "update.sh: unknown option $1" >&2; exit 2 ;;
        *) TARBALL="$1"; shift ;;
    esac
done
[ -n "$TARBALL" ] || { echo "usage: update.sh [--root DIR] ajib-<version>-<target>.tar.gz" >&2; exit 2; }
[ -f "$TARBALL" ] || die "$TARBALL not found"
if [ -z "$ROOT" ]; then
    [ "$(id -u)" -eq 0 ] || die "run as root: sudo $0 $TARBALL"
else
    SYSTEMD=0
fi
if [ ! -d /run/systemd/system ]; then
    SYSTEMD=0
fi

BIN="$ROOT/opt/ajib/bin"
ENV_FILE="$ROOT/etc/ajib/ajib.env"
if [ ! -x "$BIN/ajib-ctl" ] || [ ! -f "$ENV_FILE" ]; then
    echo "update.sh: AJIB is not installed under ${ROOT:-/}; use install.sh" >&2
    exit 3
fi

CTL=("$BIN/ajib-ctl")
if [ -n "$ROOT" ]; then
    CTL+=(--root "$ROOT")
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

say "unpacking $TARBALL"
tar -xzf "$TARBALL" -C "$WORK"
SUMS="$(find "$WORK" -maxdepth 2 -name SHA256SUMS -print -quit)"
[ -n "$SUMS" ] || die "no SHA256SUMS in $TARBALL; not a release tarball"
NEW="$(dirname "$SUMS")"
say "verifying checksums"
(cd "$NEW" && sha256sum --quiet -c SHA256SUMS) || die "checksums do not match; download the release again"
for bin in ajib-bot ajib-ctl; do
    [ -f "$NEW/$bin" ] || die "$bin missing from $TARBALL"
done

BACKUP=""
say "backing up first"
if OUT="$("${CTL[@]}" backup create --no-prune 2>&1)"; then
    echo "$OUT"
    BACKUP="$(printf '%s\n' "$OUT" | sed -n 's/^backup written: \(.*\) ([0-9]* bytes.*$/\1/p' | head -n 1)"
elif printf '%s' "$OUT" | grep -q "no database at"; then
    echo "no database yet, nothing to back up"
else
    echo "$OUT" >&2
    die "backup failed; not updating"
fi

service() {
    if [ "$SYSTEMD" -eq 1 ]; then
        systemctl "$1" ajib-bot
    fi
}

healthy() {
    if [ -n "$HEALTH_CMD" ]; then
        bash -c "$HEALTH_CMD" >/dev/null 2>&1
        return
    fi
    local listen
    listen="$(awk -F= '/^[ \t]*HTTP_LISTEN=/ { v = $2 } END { gsub(/["\047 ]/, "", v); print v }' "$ENV_FILE")"
    listen="${listen:-127.0.0.1:8080}"
    listen="${listen/0.0.0.0/127.0.0.1}"
    curl -fsS --max-time 5 "http://$listen/healthz" >/dev/null 2>&1
}

wait_healthy() {
    local deadline=$((SECONDS + TIMEOUT))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if healthy; then
            return 0
        fi
        sleep 1
    done
    healthy
}

say "swapping binaries"
for bin in ajib-bot ajib-ctl; do
    cp -p "$BIN/$bin" "$BIN/$bin.prev"
    install -m 0755 "$NEW/$bin" "$BIN/.$bin.new"
done
for bin in ajib-bot ajib-ctl; do
    mv -f "$BIN/.$bin.new" "$BIN/$bin"
done
if [ -d "$NEW/deploy" ]; then
    for script in update.sh uninstall.sh install.sh; do
        if [ -f "$NEW/deploy/$script" ]; then
            install -m 0755 "$NEW/deploy/$script" "$ROOT/opt/ajib/scripts/.$script.new"
            mv -f "$ROOT/opt/ajib/scripts/.$script.new" "$ROOT/opt/ajib/scripts/$script"
        fi
    done
fi

say "restarting"
service restart || true
if wait_healthy; then
    rm -f "$BIN/ajib-bot.prev" "$BIN/ajib-ctl.prev"
    say "update done: $("$BIN/ajib-ctl" version)"
    exit 0
fi

echo "update.sh: the new version is not healthy after ${TIMEOUT}s; rolling back" >&2
service stop || true
for bin in ajib-bot ajib-ctl; do
    mv -f "$BIN/$bin.prev" "$BIN/$bin"
done
if [ -n "$BACKUP" ]; then
    # The new version may have migrated the database; the old one needs its own schema back.
    "${CTL[@]}" backup restore --yes "$BACKUP" || echo "update.sh: could not restore $BACKUP; do it by hand: ajib-ctl backup restore $BACKUP" >&2
fi
service start || true
if wait_healthy; then
    echo "update.sh: rolled back to the previous version; see ajib-ctl logs -n 200 for why the new one failed" >&2
else
    echo "update.sh: rolled back, but the old version is not healthy either; run ajib-ctl doctor" >&2
fi
exit 1
