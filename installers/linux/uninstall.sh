#!/bin/sh
# Removes the asr-ready binary, its unpacked runtime and its systemd units. The configuration and the spool of unsent
# reports stay unless --purge is given.
#   uninstall.sh [--purge] [--root DIR]
set -eu

root='/'; purge=no
while [ $# -gt 0 ]; do
  case "$1" in
    --purge) purge=yes; shift ;;
    --root) [ $# -ge 2 ] || { echo "usage: $0 [--purge] [--root DIR]" >&2; exit 2; }; root=$2; shift 2 ;;
    *) echo "usage: $0 [--purge] [--root DIR]" >&2; exit 2 ;;
  esac
done

if [ "$root" = / ] && command -v systemctl >/dev/null 2>&1; then
  systemctl disable --now asr-ready.timer 2>/dev/null || true
fi
rm -f "$root/etc/systemd/system/asr-ready.service" "$root/etc/systemd/system/asr-ready.timer"
rm -rf "$root/opt/asr-ready" "$root/var/cache/asr-ready"
if [ "$root" = / ] && command -v systemctl >/dev/null 2>&1; then systemctl daemon-reload || true; fi
if [ "$purge" = yes ]; then
  rm -rf "$root/etc/asr-ready" "$root/var/lib/asr-ready"
  echo "asr-ready removed, with its configuration and spool"
else
  echo "asr-ready removed; kept $root/etc/asr-ready and $root/var/lib/asr-ready (use --purge to remove them)"
fi
