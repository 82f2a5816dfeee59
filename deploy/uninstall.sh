#!/usr/bin/env bash
# Removes AJIB: stops the service, deletes the unit, binaries and ajib-ctl link.
# Backups in /var/lib/ajib/backups are always kept. The database and /etc/ajib are
# kept too unless --purge is given (then the ajib user is removed as well, and the
# kept backups are given to root, so no file is left owned by a deleted uid).
#
#   sudo /opt/ajib/scripts/uninstall.sh [--purge] [--yes]
#
# Test options: --root DIR (install prefix), --no-systemd.
set -euo pipefail

ROOT=""
SYSTEMD=1
PURGE=0
YES=0

while [ $# -gt 0 ]; do
    case "$1" in
        --root) ROOT="${2:?--root needs a directory}"; shift 2 ;;
        --no-systemd) SYSTEMD=0; shift ;;
        --purge) PURGE=1; shift ;;
        --yes|-y) YES=1; shift ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "uninstall.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
if [ -z "$ROOT" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "uninstall.sh: run as root: sudo $0" >&2
        exit 3
    fi
else
    SYSTEMD=0
fi
if [ ! -d /run/systemd/system ]; then
    SYSTEMD=0
fi

DATA="$ROOT/var/lib/ajib"
ETC="$ROOT/etc/ajib"

if [ "$YES" -eq 0 ]; then
    what="binaries and the service"
    if [ "$PURGE" -eq 1 ]; then
        what="binaries, the service, the database and the config"
    fi
    read -r -p "Remove AJIB ($what)? Backups are kept. Type 'yes': " answer
    [ "$answer" = yes ] || { echo "cancelled"; exit 1; }
fi

if [ "$SYSTEMD" -eq 1 ]; then
    systemctl disable --now ajib-bot 2>/dev/null || true
fi
rm -f "$ROOT/etc/systemd/system/ajib-bot.service"
if [ "$SYSTEMD" -eq 1 ]; then
    systemctl daemon-reload
fi
rm -f "$ROOT/usr/local/bin/ajib-ctl"
rm -rf "$ROOT/opt/ajib"
echo "removed the service, /opt/ajib and the ajib-ctl link"

if [ "$PURGE" -eq 1 ]; then
    data_dir=""
    if [ -f "$ETC/ajib.env" ] && [ ! -L "$ETC/ajib.env" ]; then
        data_dir="$(awk -F= '/^[ \t]*DATA_DIR=/ { v = $2 } END { gsub(/["\047 ]/, "", v); print v }' "$ETC/ajib.env")"
    fi
    rm -rf "$ETC"
    if [ -L "$DATA" ]; then
        # Never follow a link the service user could have planted; remove the link only.
        rm -f "$DATA"
    elif [ -d "$DATA" ]; then
        find "$DATA" -mindepth 1 -maxdepth 1 ! -name backups -exec rm -rf {} +
        if [ -L "$DATA/backups" ]; then
            rm -f "$DATA/backups"
        fi
        # What is kept goes to root before the ajib user (and its uid) is deleted.
        if [ "$(id -u)" -eq 0 ]; then
            chown -R -P -h root:root "$DATA"
        fi
        chmod 0700 "$DATA"
        if [ -d "$DATA/backups" ]; then
            chmod 0700 "$DATA/backups"
        fi
    fi
    if [ -z "$ROOT" ] && getent passwd ajib >/dev/null; then
        userdel ajib || true
    fi
    echo "purged the database and $ETC"
    if [ -d "$DATA/backups" ]; then
        echo "the kept backups now belong to root"
    fi
    if [ -n "$data_dir" ] && [ "$data_dir" != /var/lib/ajib ]; then
        echo "note: DATA_DIR was $data_dir; remove it by hand if it is no longer needed"
    fi
else
    echo "kept the config in $ETC and the database in $DATA"
fi
if [ -d "$DATA/backups" ]; then
    echo "backups kept in $DATA/backups"
fi
