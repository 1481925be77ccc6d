#!/bin/sh
# asr-ready for Linux @ARCH@, version @VERSION@: one file that starts on any Linux with kernel 3.10
# or later, whatever its C library. It is this POSIX sh launcher followed by a gzip'd tar of the
# agent (a Node.js single executable) and the C runtime that Node links against (glibc, libstdc++
# and libgcc from pinned Debian packages; notices in licenses/). On the first run of a version it
# unpacks once into a runtime directory; every run then starts the agent through the bundled loader:
#   <dir>/lib/@LOADER@ --library-path <dir>/lib <dir>/asr-ready ARGS...
# so nothing of the guest's C library is used. Environment:
#   ASR_READY_RUNTIME_DIR=DIR   unpack under DIR only (default: /var/cache/asr-ready/runtime,
#                               ~/.cache/asr-ready/runtime, then per-user folders in /tmp, /var/tmp, /dev/shm)
#   ASR_READY_UNPACK_ONLY=1     unpack, print the runtime directory, and exit
#   ASR_READY_LAUNCHER_TRACE=1  say on stderr what the launcher does
# Exit code 2 when no candidate folder can hold the runtime or this file is damaged; otherwise the
# agent's own exit code. Built by scripts/build-binaries.mjs; README "Where it runs".
key='@KEY@'
loader='@LOADER@'
offset=@OFFSET@
unpacked_mb=@UNPACKED_MB@
self=$0
tried=''

trace() { [ -z "${ASR_READY_LAUNCHER_TRACE:-}" ] || printf 'asr-ready launcher: %s\n' "$*" >&2; }
fail() { printf 'asr-ready: %s\n' "$*" >&2; exit 2; }
# Remembers why a candidate folder could not be used, for the one error line if none can.
refuse() { tried="$tried${tried:+; }$1 ($2)"; trace "not $1: $2"; return 1; }

# Starts the agent from a complete runtime directory; never returns.
start() {
  run_dir=$1
  shift
  { : > "$run_dir/.last-used"; } 2>/dev/null # the clean-up below keeps folders used in the last week
  if [ -n "${ASR_READY_UNPACK_ONLY:-}" ]; then printf '%s\n' "$run_dir"; exit 0; fi
  trace "starting $run_dir/asr-ready through $run_dir/lib/$loader"
  exec "$run_dir/lib/$loader" --argv0 "$self" --library-path "$run_dir/lib" "$run_dir/asr-ready" "$@"
}

# A folder in a shared, world-writable place is used only if it is ours: a real directory owned by
# this user, so nobody else can swap the libraries a root run would load.
owned() { [ -d "$1" ] && [ ! -L "$1" ] && [ -O "$1" ]; }

# Any other folder (HOME and ASR_READY_RUNTIME_DIR may point anywhere: sudo keeps HOME on some
# systems) must belong to this user or root and be writable by its owner only.
guarded() {
  [ -d "$1" ] || return 1
  mine=no
  [ -O "$1" ] && mine=yes
  # shellcheck disable=SC2046 # the words of `ls -ldnL`: mode, links, owner's id, ...
  set -- $(ls -ldnL "$1" 2>/dev/null)
  [ $# -ge 3 ] && { [ "$mine" = yes ] || [ "$3" = 0 ]; } || return 1
  case "$1" in ?????w* | ????????w*) return 1 ;; esac # group- or other-writable
  return 0
}

# A runtime is started only when complete, guarded, not a link, and executable from where it is (a
# folder later remounted noexec falls through to the next candidate instead of failing to start).
runnable() { [ -f "$1/.complete" ] && [ ! -L "$1" ] && [ -x "$1/lib/$loader" ] && guarded "$1"; }

user_id() { [ -n "${uid:-}" ] || uid=$(id -u 2>/dev/null) || uid=unknown; }

# Removes other versions' folders unused for a week, and unpackings abandoned an hour ago.
clean_up() {
  for old in "$1"/*; do
    if [ "$old" != "$1/$key" ] && [ -f "$old/.complete" ] && [ -n "$(find "$old/.last-used" -mtime +6 2>/dev/null)" ]; then
      trace "removing unused $old"
      # renamed first: a run that found it complete a moment ago now fails to start rather than
      # starting half a runtime
      mv "$old" "$1/.partial-unused-$$" 2>/dev/null && rm -rf "$1/.partial-unused-$$"
    fi
  done
  find "$1" -maxdepth 1 -name '.partial-*' -mmin +60 -exec rm -rf {} + 2>/dev/null
  return 0
}

# Tells a damaged download from a full or failing disk: only the former fails gzip's own check.
check_payload() {
  tail -c "+$offset" "$self" 2>/dev/null | gzip -t 2>/dev/null ||
    fail "$self is damaged or truncated (its payload does not unpack): download it again and compare it with SHA256SUMS."
}

# (Functions share one set of variables in POSIX sh: each names its own.)
# Unpacks the runtime into BASE/KEY, atomically: a folder is renamed into place only when complete,
# so concurrent first runs and interrupted ones never leave a half runtime that is then used.
unpack_into() {
  base=$1
  in_shared_place=$2
  mkdir -p "$base" 2>/dev/null || { refuse "$base" 'cannot be created'; return 1; }
  if [ "$in_shared_place" = yes ]; then
    owned "$base" || { refuse "$base" 'not a directory owned by this user'; return 1; }
    chmod 0700 "$base" 2>/dev/null
  else
    guarded "$base" || { refuse "$base" 'not a folder of this user or root that only its owner can write'; return 1; }
  fi
  final=$base/$key
  tmp=$base/.partial-$key-$$
  rm -rf "$tmp"
  mkdir "$tmp" 2>/dev/null || { refuse "$base" 'read-only or not writable'; return 1; }
  # noexec mounts refuse exec and executable mappings alike: try a script before writing ~$unpacked_mb MB
  printf '#!/bin/sh\nexit 0\n' > "$tmp/.exec-probe" 2>/dev/null && chmod 0755 "$tmp/.exec-probe" 2>/dev/null
  if ! "$tmp/.exec-probe" 2>/dev/null; then rm -rf "$tmp"; refuse "$base" 'mounted noexec'; return 1; fi
  rm -f "$tmp/.exec-probe"
  [ -t 2 ] && printf 'asr-ready: unpacking its runtime into %s (first run of this version)\n' "$final" >&2
  trace "unpacking into $tmp"
  # -m: files get the time of unpacking, so the clean-up's age test never takes a live unpacking for abandoned
  if ! tail -c "+$offset" "$self" | gzip -dc 2>/dev/null | tar -xmf - -C "$tmp" 2>/dev/null; then
    rm -rf "$tmp"
    check_payload
    refuse "$base" "unpacking failed: is the file system full? about $unpacked_mb MB are needed"
    return 1
  fi
  if command -v sha256sum > /dev/null 2>&1; then
    verified() { (cd "$tmp" && sha256sum -c MANIFEST.sha256 > /dev/null 2>&1); }
  else
    # tar ends without complaint on a stream cut at a file boundary: at least every file must be there
    verified() { [ -f "$tmp/MANIFEST.sha256" ] && while read -r listed_sum listed; do [ -n "$listed_sum" ] && [ -f "$tmp/$listed" ] || return 1; done < "$tmp/MANIFEST.sha256"; }
  fi
  if ! verified; then
    rm -rf "$tmp"
    refuse "$base" 'unpacked files do not match their checksums: is the file system full or failing?'
    return 1
  fi
  : > "$tmp/.complete"
  if [ -d "$final" ] && [ ! -f "$final/.complete" ]; then # damaged by hand: set aside whole, then removed
    mv "$final" "$base/.partial-damaged-$$" 2>/dev/null && rm -rf "$base/.partial-damaged-$$"
  fi
  if [ -d "$final" ]; then
    rm -rf "$tmp" # another run finished first: use its copy
  else
    mv "$tmp" "$final" 2>/dev/null
    rm -rf "$tmp" "$final/.partial-$key-$$" # lost a race inside mv: ours landed in theirs
  fi
  runnable "$final" || { refuse "$base" "$final is not a complete runtime of this user or root"; return 1; }
  clean_up "$base"
  return 0
}

umask 022
if [ -n "${ASR_READY_RUNTIME_DIR:-}" ]; then
  guarded "$ASR_READY_RUNTIME_DIR" && runnable "$ASR_READY_RUNTIME_DIR/$key" && start "$ASR_READY_RUNTIME_DIR/$key" "$@"
  unpack_into "$ASR_READY_RUNTIME_DIR" no && start "$ASR_READY_RUNTIME_DIR/$key" "$@"
  fail "cannot unpack its runtime into ASR_READY_RUNTIME_DIR: $tried. Point it at a folder of this user (or root) that only its owner can write, on a file system mounted without noexec."
fi

system=/var/cache/asr-ready/runtime
home=''
# Only a home of this user: root whose HOME still names another user's (sudo on some systems) must
# neither run nor unpack a runtime where that user could swap it.
case "${HOME:-/}" in /) ;; *) [ -O "$HOME" ] && { [ -z "${XDG_CACHE_HOME:-}" ] || [ -O "$XDG_CACHE_HOME" ]; } && home=${XDG_CACHE_HOME:-$HOME/.cache}/asr-ready/runtime ;; esac
# Fast path: a complete runtime of this version, from an earlier run (one `ls` is forked to check it).
runnable "$system/$key" && start "$system/$key" "$@"
[ -n "$home" ] && guarded "$home" && runnable "$home/$key" && start "$home/$key" "$@"
user_id
for place in "${TMPDIR:-/tmp}" /var/tmp /dev/shm; do
  owned "$place/asr-ready-runtime-$uid" && runnable "$place/asr-ready-runtime-$uid/$key" && start "$place/asr-ready-runtime-$uid/$key" "$@"
done

# First run of this version: unpack into the first folder that can hold and execute it.
unpack_into "$system" no && start "$system/$key" "$@"
[ -n "$home" ] && unpack_into "$home" no && start "$home/$key" "$@"
for place in "${TMPDIR:-/tmp}" /var/tmp /dev/shm; do
  unpack_into "$place/asr-ready-runtime-$uid" yes && start "$place/asr-ready-runtime-$uid/$key" "$@"
done
fail "cannot unpack its runtime (about $unpacked_mb MB) into any of: $tried. Set ASR_READY_RUNTIME_DIR to a writable folder on a file system mounted without noexec, and run again."
