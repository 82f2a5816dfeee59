#!/usr/bin/env bash
# Updates AJIB from a release tarball, rolling back by itself if the new version is unhealthy.
#
#   sudo /opt/ajib/scripts/update.sh ajib-<version>-<target>.tar.gz
#   (or: sudo ajib-ctl update ajib-<version>-<target>.tar.gz)
#
# Steps: verify the release (SHA256SUMS and SHA256SUMS.sig beside the tarball: the
# signature must be by the key install.sh trusted, /opt/ajib/release-key.pem, and the
# tarball's checksum must match), back up the database (ajib-ctl backup create), swap the
# binaries atomically (keeping the old ones as *.prev), restart, poll
# http://<HTTP_LISTEN>/healthz until healthy or --timeout seconds pass. On failure the
# old binaries come back, the pre-update backup is restored, and the service restarts.
# --allow-unsigned accepts a release without a signature (local builds only).
#
# Test options: --root DIR (install prefix), --no-systemd, --health-cmd CMD (run
# instead of the HTTP probe; healthy when it exits 0), --timeout SECONDS;
# AJIB_RELEASE_PUBKEY_FILE=PEM trusts another key (tests, private builds).
set -euo pipefail

# The AJIB release key, used when the install has no release-key.pem (installed before
# releases were signed); the same as in install.sh and README.md.
RELEASE_PUBKEY="MCowBQYDK2VwAyEAO3FwwJWhKXGxifkep3p7eG+s+qotKEFqqgu0xo4zogA="

ROOT=""
ALLOW_UNSIGNED=0
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
        --allow-unsigned) ALLOW_UNSIGNED=1; shift ;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "update.sh: unknown option $1" >&2; exit 2 ;;
        *) TARBALL="$1"; shift ;;
    esac
done
[ -n "$TARBALL" ] || { echo "usage: update.sh [--root DIR] [--allow-unsigned] ajib-<version>-<target>.tar.gz" >&2; exit 2; }
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

# The trusted public key as a PEM file in $1.
write_release_key() {
    if [ -n "${AJIB_RELEASE_PUBKEY_FILE:-}" ]; then
        [ -f "$AJIB_RELEASE_PUBKEY_FILE" ] || die "AJIB_RELEASE_PUBKEY_FILE=$AJIB_RELEASE_PUBKEY_FILE does not exist"
        cp -- "$AJIB_RELEASE_PUBKEY_FILE" "$1"
    elif [ -f "$ROOT/opt/ajib/release-key.pem" ]; then
        cp -- "$ROOT/opt/ajib/release-key.pem" "$1"
    else
        printf -- '-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n' "$RELEASE_PUBKEY" >"$1"
    fi
}

# Checks the signature of SHA256SUMS (beside the tarball) and the tarball's checksum.
verify_release() {
    local dir base sums line
    dir="$(dirname "$TARBALL")"
    base="$(basename "$TARBALL")"
    sums="$dir/SHA256SUMS"
    if [ ! -f "$sums" ]; then
        if [ "$ALLOW_UNSIGNED" -eq 1 ]; then
            echo "update.sh: WARNING: no $sums; installing an UNVERIFIED tarball because of --allow-unsigned" >&2
            return
        fi
        die "no SHA256SUMS beside $TARBALL; download it and SHA256SUMS.sig with the tarball into one directory (--allow-unsigned accepts an unsigned local build)"
    fi
    if [ -f "$sums.sig" ]; then
        command -v openssl >/dev/null || die "openssl is needed to check the release signature: apt-get install openssl"
        write_release_key "$WORK/release-key.pem"
        openssl pkeyutl -verify -pubin -inkey "$WORK/release-key.pem" -rawin -in "$sums" -sigfile "$sums.sig" >/dev/null 2>&1 ||
            die "SHA256SUMS.sig is not a valid signature of SHA256SUMS by the AJIB release key; not updating"
        say "SHA256SUMS is signed by the AJIB release key"
    elif [ "$ALLOW_UNSIGNED" -eq 1 ]; then
        echo "update.sh: WARNING: no $sums.sig; the release is NOT signed, updating because of --allow-unsigned" >&2
    else
        die "no SHA256SUMS.sig beside $TARBALL; an unsigned release is refused (--allow-unsigned accepts an unsigned local build)"
    fi
    say "verifying checksums"
    # Lines are "<sha256>  <path>"; the tarball's own line has no directory.
    line="$(awk -v f="$base" 'substr($0, 67) == f' "$sums")"
    [ -n "$line" ] || die "SHA256SUMS has no line for $base; keep the release's file name"
    (cd "$dir" && printf '%s\n' "$line" | sha256sum --quiet --strict -c -) ||
        die "checksums do not match; download the release again"
}

verify_release
if [ -z "$ROOT" ] && [ ! -L "$ENV_FILE" ] && getent group ajib >/dev/null; then
    # Older installs gave the config to ajib; now only root changes it, ajib reads it.
    chown root:ajib "$ENV_FILE"
    chmod 0640 "$ENV_FILE"
fi
say "unpacking $TARBALL"
mkdir "$WORK/new"
tar -xzf "$TARBALL" -C "$WORK/new"
NEW="$(find "$WORK/new" -mindepth 1 -maxdepth 1 -type d -print -quit)"
[ -n "$NEW" ] || die "$TARBALL holds no release directory; not a release tarball"
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
    # The archive was made by root moments ago, signed if a key is set; an
    # ajib-ctl from before signed backups knows no --allow-unsigned and needs none.
    RESTORE=(backup restore --yes)
    if "${CTL[@]}" backup restore --help 2>&1 | grep -q -- --allow-unsigned; then
        RESTORE+=(--allow-unsigned)
    fi
    "${CTL[@]}" "${RESTORE[@]}" "$BACKUP" || echo "update.sh: could not restore $BACKUP; do it by hand: ajib-ctl backup restore $BACKUP" >&2
fi
service start || true
if wait_healthy; then
    echo "update.sh: rolled back to the previous version; see ajib-ctl logs -n 200 for why the new one failed" >&2
else
    echo "update.sh: rolled back, but the old version is not healthy either; run ajib-ctl doctor" >&2
fi
exit 1
