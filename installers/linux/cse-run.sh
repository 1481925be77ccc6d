#!/bin/sh
# Custom Script Extension / Run Command entry point. CSE downloads the binary, SHA256SUMS and this
# script into its working directory; this checks the binary's SHA-256, runs it, and prints the
# compact report (at most 4,096 bytes, the verdict last: CSE keeps only the last 4,096 bytes).
#   sh cse-run.sh [--install] [asr-ready options...]
# --install also installs the daily systemd job (install.sh and the units must be downloaded too).
# Not ready does not fail the extension unless ASR_READY_CSE_FAIL_ON=fail (or warn) is set.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
binary="$here/asr-ready-linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')"
[ -f "$binary" ] || { echo "cse-run.sh: $binary was not downloaded (add it to fileUris)" >&2; exit 2; }
[ -f "$here/SHA256SUMS" ] || { echo "cse-run.sh: SHA256SUMS was not downloaded (add it to fileUris)" >&2; exit 2; }
expected=$(awk -v n="$(basename "$binary")" '$2 == n { print $1 }' "$here/SHA256SUMS")
actual=$(sha256sum "$binary" | cut -d' ' -f1)
if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
  echo "cse-run.sh: SHA-256 mismatch for $(basename "$binary"): expected ${expected:-nothing}, got $actual" >&2
  exit 2
fi
chmod 0755 "$binary"

if [ "${1:-}" = --install ]; then
  shift
  sh "$here/install.sh" --binary "$binary" --sums "$here/SHA256SUMS"
fi

# Through the environment, not flags: a flag given twice is an error, and the admin's own
# --output or --fail-on among the arguments must win over these defaults.
ASR_READY_OUTPUT=compact ASR_READY_FAIL_ON="${ASR_READY_CSE_FAIL_ON:-never}" "$binary" check "$@"
