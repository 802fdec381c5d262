// migbench's folder on a host (or guest): /var/tmp/migbench/host-<hostname>/ holds the host lock, its holder,
// and the undo markers of what a sweep changed there. Named after the host's own name because lab hosts share
// one /var/tmp. All scripts here are constant; values travel as positional arguments.

export const MARKER_ROOT = '/var/tmp/migbench';

/** Prefix of every marker script: $d is this host's folder, created if missing. */
const DIR = `d="${MARKER_ROOT}/host-$(hostname)"; mkdir -p -m 700 "$d" || exit 1;`;

/**
 * Runs every marker's undo command (its command line, quoted by remote/quote.ts, in <id>.cmd) with the host's own
 * sh — found on PATH, never a busybox applet — and removes the markers that succeeded; a failed one stays for the
 * journal (the next run, or `migbench cleanup`).
 */
const UNDO_ALL = `for f in "$d"/undo/*.cmd; do [ -e "$f" ] || continue; sh "$f" </dev/null && rm -f "$f" "\${f%.cmd}.json"; done`;

/**
 * Ends the SSH session this script runs in: the nearest sshd (or dropbear) above it is the connection's own
 * process, never the daemon that listens. Its channels close, so every command of the session sees EOF.
 */
const END_SESSION = `p=$PPID
while [ "\${p:-1}" -gt 1 ]; do
  case $(cat "/proc/$p/comm" 2>/dev/null) in sshd|sshd-session|dropbear) kill -s TERM "$p"; break;; esac
  p=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$p/status" 2>/dev/null)
done`;

export const scripts = {
  /** $1 = id, $2 = the undo command line; the marker's JSON on stdin. */
  writeMarker: `${DIR} mkdir -p -m 700 "$d/undo" && printf '%s\\n' "$2" > "$d/undo/$1.cmd" && cat > "$d/undo/$1.json.tmp" && mv "$d/undo/$1.json.tmp" "$d/undo/$1.json"`,
  /** $1 = id. */
  removeMarker: `${DIR} rm -f "$d/undo/$1.json" "$d/undo/$1.cmd"`,
  /** Prints every marker as "@@marker <id>" followed by its JSON. */
  listMarkers: `${DIR} for f in "$d"/undo/*.json; do [ -e "$f" ] || continue; i=\${f##*/}; echo "@@marker \${i%.json}"; cat "$f"; echo; done`,
  /**
   * The guard (guard/host-guard.ts). $1 = holder JSON, $2 = one-second reads without a heartbeat after which the
   * controller is taken as gone, $3 = lock or nolock (a guest needs no lock, and busybox may have no flock). Holds
   * the host lock (exits 75 at once when another process holds it, 69 when flock is missing), prints "locked", then
   * reads the heartbeat until EOF or silence; then undoes what is left ("releasing" meanwhile), and after a silence
   * ends its SSH session. The empty lock file stays (removing it would race with the next holder); the holder note
   * and an empty undo folder go.
   */
  guard: `${DIR} if [ "$3" = lock ]; then
  command -v flock >/dev/null 2>&1 || { echo "flock not found" >&2; exit 69; }
  exec 9>>"$d/lock"; flock -n 9 || exit 75
fi
printf '%s\\n' "$1" > "$d/holder.json"; echo locked
exec >/dev/null 2>&1
# silence is counted in one-second reads, not by the clock: a guest that stood still (post-copy) missed one read
miss=0
while [ "$miss" -lt "$2" ]; do
  b=$(timeout 1 head -c 1); st=$?
  if [ -n "$b" ]; then miss=0; continue; fi
  [ "$st" -eq 0 ] && break
  miss=$((miss + 1))
done
silent=0; [ "$miss" -ge "$2" ] && silent=1
: > "$d/releasing"
${UNDO_ALL}
rm -f "$d/holder.json" "$d/releasing"; rmdir "$d/undo" 2>/dev/null
[ "$silent" = 1 ] && { ${END_SESSION}
}
exit 0`,
  /** Prints the holder of this host's lock, or "releasing" while a guard whose controller is gone undoes its changes. */
  readHolder: `d="${MARKER_ROOT}/host-$(hostname)"; if [ -e "$d/releasing" ] || [ ! -e "$d/holder.json" ]; then echo releasing; else cat "$d/holder.json"; fi`,
} as const;
