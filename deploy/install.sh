#!/usr/bin/env bash
# Installs (or re-installs) AJIB from the release tarball this script sits in.
#
#   sudo ./deploy/install.sh                      # asks for what it needs
#   sudo TELEGRAM_BOT_TOKEN=... ./deploy/install.sh --yes --admin-ids 42 \
#        --blitz-url https://panel.example/api/v1 --blitz-key-file /root/blitz.key \
#        --heleket-merchant UUID --heleket-key-file /root/heleket.key [--public-url URL]
#
# Secrets never go on the command line (ps, shell history): give them as environment
# variables (TELEGRAM_BOT_TOKEN, BLITZ_API_KEY, HELEKET_API_KEY), as files
# (--token-file, --blitz-key-file, --heleket-key-file), or type them at the prompt.
# Other values come from flags or the same-named variables (TELEGRAM_ADMIN_IDS,
# BLITZ_API_BASE, HELEKET_MERCHANT_ID, PUBLIC_URL). Re-running is safe: values
# already in /etc/ajib/ajib.env are kept, binaries and the unit are refreshed.
#
# Before installing, the release is verified: SHA256SUMS and SHA256SUMS.sig must sit
# next to the unpacked directory, the signature must be the AJIB release key's, and
# every file must match. --allow-unsigned skips the signature (local builds only).
# AJIB_RELEASE_PUBKEY_FILE=PEM trusts another key instead (tests, private builds).
#
# --root DIR installs under DIR (no user creation, no chown); --no-systemd skips
# systemctl. Both exist so the installer can be tested in a temp dir.
set -euo pipefail

# The AJIB release signing key (ed25519, base64 SubjectPublicKeyInfo); README.md prints it
# and deploy/update.sh carries the same. `cargo xtask keygen` prints a key in this form.
RELEASE_PUBKEY="MCowBQYDK2VwAyEAO3FwwJWhKXGxifkep3p7eG+s+qotKEFqqgu0xo4zogA="

ROOT=""
SYSTEMD=1
YES=0
ALLOW_UNSIGNED=0
declare -A WANT=()

usage() {
    sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
}

die() {
    echo "install.sh: error: $*" >&2
    exit 1
}

say() {
    echo "==> $*"
}

# A secret given on the command line is refused; the message names only the flag.
refuse_secret_flag() {
    local flag="$1" var="$2"
    die "$flag would leave the secret in ps output and shell history; use $flag-file PATH, the $var environment variable, or the prompt (run without --yes)"
}

# Reads a secret from a file: one line, not empty; the value is never printed.
read_secret_file() {
    local flag="$1" path="$2" value
    if [ ! -f "$path" ] || [ ! -r "$path" ]; then
        die "$flag: cannot read $path"
    fi
    value="$(cat -- "$path")" || die "$flag: cannot read $path"
    value="${value%$'\r'}"
    case "$value" in *$'\n'*) die "$flag: $path must hold the secret on one line" ;; esac
    [ -n "$value" ] || die "$flag: $path is empty"
    printf '%s' "$value"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --root) ROOT="${2:?--root needs a directory}"; shift 2 ;;
        --no-systemd) SYSTEMD=0; shift ;;
        --yes|-y) YES=1; shift ;;
        --allow-unsigned) ALLOW_UNSIGNED=1; shift ;;
        --token|--token=*) refuse_secret_flag --token TELEGRAM_BOT_TOKEN ;;
        --blitz-key|--blitz-key=*) refuse_secret_flag --blitz-key BLITZ_API_KEY ;;
        --heleket-key|--heleket-key=*) refuse_secret_flag --heleket-key HELEKET_API_KEY ;;
        --token-file) WANT[TELEGRAM_BOT_TOKEN]="$(read_secret_file "$1" "${2:?--token-file needs a path}")" || exit 1; shift 2 ;;
        --blitz-key-file) WANT[BLITZ_API_KEY]="$(read_secret_file "$1" "${2:?--blitz-key-file needs a path}")" || exit 1; shift 2 ;;
        --heleket-key-file) WANT[HELEKET_API_KEY]="$(read_secret_file "$1" "${2:?--heleket-key-file needs a path}")" || exit 1; shift 2 ;;
        --admin-ids) WANT[TELEGRAM_ADMIN_IDS]="${2?}"; shift 2 ;;
        --blitz-url) WANT[BLITZ_API_BASE]="${2?}"; shift 2 ;;
        --heleket-merchant) WANT[HELEKET_MERCHANT_ID]="${2?}"; shift 2 ;;
        --public-url) WANT[PUBLIC_URL]="${2?}"; shift 2 ;;
        -h|--help) usage ;;
        # Only the flag's name: a mistyped `--tokn=SECRET` must not print the secret.
        *) echo "install.sh: unknown option ${1%%=*}" >&2; usage ;;
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
    [ "$(id -u)" -eq 0 ] || die "run as root: sudo $0 (with the same options)"
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

# --- verifying the release -------------------------------------------------

# The trusted public key as a PEM file in $1.
write_release_key() {
    if [ -n "${AJIB_RELEASE_PUBKEY_FILE:-}" ]; then
        [ -f "$AJIB_RELEASE_PUBKEY_FILE" ] || die "AJIB_RELEASE_PUBKEY_FILE=$AJIB_RELEASE_PUBKEY_FILE does not exist"
        cp -- "$AJIB_RELEASE_PUBKEY_FILE" "$1"
    else
        printf -- '-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n' "$RELEASE_PUBKEY" >"$1"
    fi
}

# Checks every file of the unpacked release against SHA256SUMS (beside it), after
# checking that SHA256SUMS carries the release key's signature.
verify_release() {
    local parent name sums listed present
    parent="$(dirname "$DIST")"
    name="$(basename "$DIST")"
    sums="$parent/SHA256SUMS"
    if [ ! -f "$sums" ]; then
        if [ "$ALLOW_UNSIGNED" -eq 1 ]; then
            echo "install.sh: WARNING: no $sums; installing UNVERIFIED files because of --allow-unsigned" >&2
            return
        fi
        die "no SHA256SUMS beside $DIST; download ajib-<version>-<target>.tar.gz, SHA256SUMS and SHA256SUMS.sig into one directory and unpack the tarball there (--allow-unsigned installs an unsigned local build)"
    fi
    if [ -f "$sums.sig" ]; then
        command -v openssl >/dev/null || die "openssl is needed to check the release signature: apt-get install openssl"
        local key
        key="$(mktemp)"
        write_release_key "$key"
        if ! openssl pkeyutl -verify -pubin -inkey "$key" -rawin -in "$sums" -sigfile "$sums.sig" >/dev/null 2>&1; then
            rm -f "$key"
            die "SHA256SUMS.sig is not a valid signature of SHA256SUMS by the AJIB release key; do not install these files"
        fi
        rm -f "$key"
        say "SHA256SUMS is signed by the AJIB release key"
    elif [ "$ALLOW_UNSIGNED" -eq 1 ]; then
        echo "install.sh: WARNING: no $sums.sig; the release is NOT signed, installing because of --allow-unsigned" >&2
    else
        die "no SHA256SUMS.sig beside $DIST; an unsigned release is refused (--allow-unsigned installs an unsigned local build)"
    fi
    say "verifying checksums"
    # Lines are "<sha256>  <path>"; this release's files are those under "$name/".
    listed="$(awk -v dir="$name/" 'substr($0, 67, length(dir)) == dir { print substr($0, 67) }' "$sums" | LC_ALL=C sort)"
    [ -n "$listed" ] || die "SHA256SUMS lists no file of $name; it belongs to another release"
    present="$(cd "$parent" && find "$name" ! -type d | LC_ALL=C sort)"
    if [ "$present" != "$listed" ]; then
        die "the files in $DIST differ from the list in SHA256SUMS (missing, added or renamed); unpack the release again"
    fi
    (cd "$parent" && awk -v dir="$name/" 'substr($0, 67, length(dir)) == dir' "$sums" | sha256sum --quiet --strict -c -) ||
        die "checksums do not match SHA256SUMS; download the release again"
}

verify_release

if [ -z "$ROOT" ]; then
    if ! getent passwd ajib >/dev/null; then
        say "creating system user ajib"
        useradd --system --home-dir /var/lib/ajib --no-create-home --shell /usr/sbin/nologin ajib
    fi
fi

# Owner changes only make sense on a real install; -h changes a link, never its target.
own() {
    if [ -z "$ROOT" ]; then
        chown -h "$@"
    fi
}

# The service user owns some of these paths; root must not follow a link planted there.
refuse_links() {
    local path
    for path in "$@"; do
        if [ -L "$path" ]; then
            die "$path is a symbolic link; AJIB expects a real directory or file there. Remove the link, then run install.sh again"
        fi
    done
}
refuse_links "$ETC" "$ETC/ajib.env" "$DATA" "$DATA/backups"

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
# update.sh checks later releases against the key this one was checked with.
write_release_key "$OPT/.release-key.pem.new"
chmod 0644 "$OPT/.release-key.pem.new"
mv -f "$OPT/.release-key.pem.new" "$OPT/release-key.pem"

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

# Signs backups (HMAC-SHA256); made by install.sh. Restores check it.
BACKUP_SIGNING_KEY=
TEMPLATE
    )
else
    say "keeping existing values in $ENV_FILE"
fi
# Only root changes the config; the service (group ajib) may read it.
chmod 0640 "$ENV_FILE"
own root:ajib "$ENV_FILE"

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
    chmod 0640 "$tmp"
    own root:ajib "$tmp"
    mv -f "$tmp" "$ENV_FILE"
}

if [ -z "$(env_get BACKUP_SIGNING_KEY)" ]; then
    say "generating BACKUP_SIGNING_KEY"
    env_set BACKUP_SIGNING_KEY "$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
fi

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
