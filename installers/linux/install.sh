#!/bin/sh
# Installs asr-ready as a daily systemd job after checking the binary's SHA-256.
#   install.sh --binary PATH|https://URL (--sha256 HEX | --sums SHA256SUMS) [--config FILE] [--root DIR] [--no-start]
# --root installs into another tree (an image, or a scratch directory for tests) and starts nothing.
set -eu

usage() { echo "usage: $0 --binary PATH|https://URL (--sha256 HEX | --sums FILE) [--config FILE] [--root DIR] [--no-start]" >&2; exit 2; }
die() { echo "install.sh: $*" >&2; exit 1; }

binary=''; sha256=''; sums=''; config=''; root='/'; start=yes
here=$(cd "$(dirname "$0")" && pwd)
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) [ $# -ge 2 ] || usage; binary=$2; shift 2 ;;
    --sha256) [ $# -ge 2 ] || usage; sha256=$2; shift 2 ;;
    --sums) [ $# -ge 2 ] || usage; sums=$2; shift 2 ;;
    --config) [ $# -ge 2 ] || usage; config=$2; shift 2 ;;
    --root) [ $# -ge 2 ] || usage; root=$2; start=no; shift 2 ;;
    --no-start) start=no; shift ;;
    -h|--help) usage ;;
    *) echo "install.sh: unknown argument $1" >&2; usage ;;
  esac
done
[ -n "$binary" ] || usage
[ -n "$sha256" ] || [ -n "$sums" ] || die "give the expected SHA-256 with --sha256 HEX or --sums SHA256SUMS: the binary is never installed unchecked"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
case "$binary" in
  https://*)
    if command -v curl >/dev/null 2>&1; then curl -fsSL --proto '=https' --retry 3 -o "$work/asr-ready" "$binary" || die "download of $binary failed"
    elif command -v wget >/dev/null 2>&1; then wget -q -O "$work/asr-ready" "$binary" || die "download of $binary failed"
    else die "neither curl nor wget is installed to download $binary"; fi ;;
  http://*) die "refusing to download over plain http: $binary" ;;
  *) [ -f "$binary" ] || die "no such file: $binary"; cp "$binary" "$work/asr-ready" ;;
esac

if [ -z "$sha256" ]; then
  name=$(basename "$binary")
  sha256=$(awk -v n="$name" '$2 == n || $2 == "*" n { print $1 }' "$sums")
  [ -n "$sha256" ] || die "$sums has no line for $name"
fi
actual=$(sha256sum "$work/asr-ready" | cut -d' ' -f1)
[ "$actual" = "$(echo "$sha256" | tr 'A-F' 'a-f')" ] || die "SHA-256 mismatch for $binary: expected $sha256, got $actual; nothing was installed"

install -d -m 0755 "$root/opt/asr-ready" "$root/etc/asr-ready" "$root/etc/systemd/system"
install -m 0755 "$work/asr-ready" "$root/opt/asr-ready/asr-ready"
if [ -n "$config" ]; then
  install -m 0644 "$config" "$root/etc/asr-ready/config.json"
elif [ ! -f "$root/etc/asr-ready/config.json" ]; then
  printf '{\n  "output": "compact"\n}\n' > "$root/etc/asr-ready/config.json"
  chmod 0644 "$root/etc/asr-ready/config.json"
fi
install -m 0644 "$here/asr-ready.service" "$here/asr-ready.timer" "$root/etc/systemd/system/"

if [ "$start" = yes ]; then
  # Unpack the runtime now (into /var/cache/asr-ready/runtime), so the first timer run does not.
  ASR_READY_UNPACK_ONLY=1 "$root/opt/asr-ready/asr-ready" > /dev/null || die "the installed binary cannot unpack its runtime (see the line above)"
  systemctl daemon-reload
  systemctl enable --now asr-ready.timer
  echo "asr-ready installed; next run: $(systemctl show -p NextElapseUSecRealtime --value asr-ready.timer 2>/dev/null || echo 'see systemctl list-timers')"
else
  echo "asr-ready installed under $root (not started)"
fi
