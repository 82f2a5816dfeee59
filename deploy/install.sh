#!/usr/bin/env bash
# Installs (or re-installs) AJIB from the release tarball this script sits in.
#
#   sudo ./deploy/install.sh                      # asks for what it needs
#   sudo ./deploy/install.sh --yes --token 123:abc --admin-ids 42 \
#        --blitz-url https://panel.example/api/v1 --blitz-key KEY \
#        --heleket-merchant UUID --heleket-key KEY [--public-url https://bot.example]
#
# Every flag can also come from the environment under the config variable's name
# (TELEGRAM_BOT_TOKEN, TELEGRAM_ADMIN_IDS, BLITZ_API_BASE, BLITZ_API_KEY,
# HELEKET_MERCHANT_ID, HELEKET_API_KEY, PUBLIC_URL). Re-running is safe: values
# already in /etc/ajib/ajib.env are kept, binaries and the unit are refreshed.
#
# --root DIR installs under DIR (no user creation, no chown); --no-systemd skips
# systemctl. Both exist so the installer can be tested in a temp dir.
set -euo pipefail

ROOT=""
SYSTEMD=1
YES=0
declare -A WANT=()

usage() {
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
}

die() {
    echo "install.sh: error: $*" >&2
    exit 1
}

say() {
    echo "==> $*"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --root) ROOT="${2:?--root needs a directory}"; shift 2 ;;
        --no-systemd) SYSTEMD=0; shift ;;
        --yes|-y) YES=1; shift ;;
        --token) WANT[TELEGRAM_BOT_TOKEN]="${2?}"; shift 2 ;;
        --admin-ids) WANT[TELEGRAM_ADMIN_IDS]="${2?}"; shift 2 ;;
        --blitz-url) WANT[BLITZ_API_BASE]="${2?}"; shift 2 ;;
        --blitz-key) WANT[BLITZ_API_KEY]="${2?}"; shift 2 ;;
        --heleket-merchant) WANT[HELEKET_MERCHANT_ID]="${2?}"; shift 2 ;;
        --heleket-key) WANT[HELEKET_API_KEY]="${2?}"; shift 2 ;;
        --public-url) WANT[PUBLIC_URL]="${2?}"; shift 2 ;;
        -h|--help) usage ;;
        *) echo "install.sh: unknown option $1" >&2; usage ;;
    esac
done

KEYS=(TELEGRAM_BOT_TOKEN TELEGRAM_ADMIN_IDS BLITZ_API_BASE BLITZ_API_KEY HELEKET_MERCHANT_ID HELEKET_API_KEY PUBLIC_URL)
for key in "${KEYS[@]}"; do
    if [ -z "${WANT[$key]:-}" ] && [ -n "${!key:-}" ]; then
        WANT[$key]="${!key}"
    fi
done

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -x "$SCRIPT_DIR/../ajib-bot" ]; then
    DIST="$(cd "$SCRIPT_DIR/.." && pwd)"
elif [ -x "$SCRIPT_DIR/ajib-bot" ]; then
    DIST="$SCRIPT_DIR"
else
    die "no ajib-bot binary next to $SCRIPT_DIR; run install.sh from an unpacked release tarball (cargo xtask dist)"
fi

if [ -z "$ROOT" ]; then
    [ "$(id -u)" -eq 0 ] || die "run as root: sudo $0 $*"
    if [ -r /etc/os-release ]; then
        # shellcheck disable=SC1091
        . /etc/os-release
        case "${ID:-}:${VERSION_ID:-}" in
            ubuntu:2[2-9].*|ubuntu:[3-9][0-9].*|debian:1[2-9]*) ;;
            *) echo "install.sh: warning: tested on Ubuntu 22.04+ and Debian 12+, this is ${PRETTY_NAME:-unknown}" >&2 ;;
        esac
    fi
fi

ETC="$ROOT/etc/ajib"
ENV_FILE="$ETC/ajib.env"
OPT="$ROOT/opt/ajib"
DATA="$ROOT/var/lib/ajib"
UNIT="$ROOT/etc/systemd/system/ajib-bot.service"
LINK="$ROOT/usr/local/bin/ajib-ctl"

if [ -f "$DIST/SHA256SUMS" ]; then
    say "verifying checksums"
    (cd "$DIST" && sha256sum --quiet -c SHA256SUMS) || die "SHA256SUMS does not match; download the release again"
fi

if [ -z "$ROOT" ]; then
    if ! getent passwd ajib >/dev/null; then
        say "creating system user ajib"
        useradd --system --home-dir /var/lib/ajib --no-create-home --shell /usr/sbin/nologin ajib
    fi
fi

# Owner changes only make sense on a real install.
own() {
    if [ -z "$ROOT" ]; then
        chown "$@"
    fi
}

say "installing into ${ROOT:-/}"
install -d -m 0755 "$OPT" "$OPT/bin" "$OPT/scripts" "$OPT/docs" "$ROOT/etc/systemd/system" "$ROOT/usr/local/bin"
install -d -m 0750 "$ETC"
own root:ajib "$ETC"
install -d -m 0700 "$DATA" "$DATA/backups"
own ajib:ajib "$DATA" "$DATA/backups"

# Binaries are copied beside their target and renamed, so a running bot never sees half a file.
for bin in ajib-bot ajib-ctl; do
    [ -f "$DIST/$bin" ] || die "missing $DIST/$bin"
    install -m 0755 "$DIST/$bin" "$OPT/bin/.$bin.new"
    mv -f "$OPT/bin/.$bin.new" "$OPT/bin/$bin"
done
for script in update.sh uninstall.sh install.sh; do
    install -m 0755 "$SCRIPT_DIR/$script" "$OPT/scripts/$script"
done
if [ -d "$DIST/locales" ]; then
    rm -rf "$OPT/locales.new"
    cp -R "$DIST/locales" "$OPT/locales.new"
    rm -rf "$OPT/locales"
    mv "$OPT/locales.new" "$OPT/locales"
fi
for doc in "$DIST/docs/operator-guide.md" "$DIST/README.md" "$DIST/.env.example"; do
    if [ -f "$doc" ]; then
        install -m 0644 "$doc" "$OPT/docs/"
    fi
done
ln -sfn /opt/ajib/bin/ajib-ctl "$LINK"

# --- the config file -------------------------------------------------------

if [ ! -f "$ENV_FILE" ]; then
    say "creating $ENV_FILE"
    (umask 077 && cat >"$ENV_FILE" <<'TEMPLATE'
# AJIB configuration. Edit with `ajib-ctl config set NAME VALUE` (validated),
# then `ajib-ctl restart`. All variables: /opt/ajib/docs/.env.example.

# Telegram
TELEGRAM_BOT_TOKEN=
TELEGRAM_ADMIN_IDS=

# Blitz panel (Hysteria2)
BLITZ_API_BASE=
BLITZ_API_KEY=

# Heleket payments
HELEKET_MERCHANT_ID=
HELEKET_API_KEY=

# Public HTTPS URL for webhooks (leave empty for long polling)
PUBLIC_URL=

DATA_DIR=/var/lib/ajib
TEMPLATE
    )
else
    say "keeping existing values in $ENV_FILE"
fi
chmod 0600 "$ENV_FILE"
own ajib:ajib "$ENV_FILE"

# Prints the current value of KEY in the env file (last assignment wins).
env_get() {
    awk -v key="$1" '
        { line = $0; sub(/^[ \t]*export[ \t]+/, "", line) }
        index(line, key "=") == 1 { value = substr(line, length(key) + 2) }
        END { gsub(/^["\047]|["\047]$/, "", value); print value }
    ' "$ENV_FILE"
}

# Sets KEY to VALUE in place (or appends it), keeping comments and order.
env_set() {
    local tmp
    tmp="$(mktemp "$ETC/.ajib.env.XXXXXX")"
    KEY="$1" VALUE="$2" awk '
        BEGIN { key = ENVIRON["KEY"]; value = ENVIRON["VALUE"]; done = 0 }
        {
            line = $0; sub(/^[ \t]*export[ \t]+/, "", line)
            if (!done && index(line, key "=") == 1) { print key "=" value; done = 1; next }
            print
        }
        END { if (!done) print key "=" value }
    ' "$ENV_FILE" >"$tmp"
    chmod 0600 "$tmp"
    own ajib:ajib "$tmp"
    mv -f "$tmp" "$ENV_FILE"
}

INTERACTIVE=0
if [ "$YES" -eq 0 ] && [ -t 0 ]; then
    INTERACTIVE=1
fi

prompt_for() {
    local question="$1" secret="$2" answer=""
    if [ "$secret" = 1 ]; then
        read -r -s -p "$question: " answer
        echo >&2
    else
        read -r -p "$question: " answer
    fi
    printf '%s' "$answer"
}

declare -A QUESTIONS=(
    [TELEGRAM_BOT_TOKEN]="Telegram bot token (from @BotFather)"
    [TELEGRAM_ADMIN_IDS]="Admin Telegram ids, comma-separated"
    [BLITZ_API_BASE]="Blitz panel API URL"
    [BLITZ_API_KEY]="Blitz API key"
    [HELEKET_MERCHANT_ID]="Heleket merchant UUID"
    [HELEKET_API_KEY]="Heleket payment API key"
    [PUBLIC_URL]="Public HTTPS URL for webhooks (empty for long polling)"
)
MISSING=()
for key in "${KEYS[@]}"; do
    current="$(env_get "$key")"
    if [ -n "$current" ]; then
        continue
    fi
    value="${WANT[$key]:-}"
    if [ -z "$value" ] && [ "$INTERACTIVE" -eq 1 ]; then
        secret=0
        case "$key" in *TOKEN|*KEY) secret=1 ;; esac
        value="$(prompt_for "${QUESTIONS[$key]}" "$secret")"
    fi
    if [ -n "$value" ]; then
        case "$value" in *$'\n'*) die "$key must be one line" ;; esac
        env_set "$key" "$value"
    elif [ "$key" != PUBLIC_URL ]; then
        MISSING+=("$key")
    fi
done

# --- the service -----------------------------------------------------------

install -m 0644 "$SCRIPT_DIR/ajib-bot.service" "$UNIT"
if [ "$SYSTEMD" -eq 1 ] && [ -z "$ROOT" ] && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable ajib-bot >/dev/null
    if [ "${#MISSING[@]}" -eq 0 ]; then
        say "starting ajib-bot"
        systemctl restart ajib-bot
    fi
else
    say "skipping systemd (--root/--no-systemd or no systemd)"
fi

echo
say "installed: binaries in $OPT/bin, config $ENV_FILE, data $DATA"
if [ "${#MISSING[@]}" -gt 0 ]; then
    echo "Still to set: ${MISSING[*]}"
    echo "  ajib-ctl config set NAME VALUE   (omit VALUE to type a secret)"
    echo "  then: ajib-ctl start && ajib-ctl doctor"
else
    echo "Check it: ajib-ctl doctor; logs: ajib-ctl logs -f"
fi
