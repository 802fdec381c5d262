// migbench's folder on a host (or guest): /var/tmp/migbench/host-<hostname>/ holds the host lock, its holder,
// and the undo markers of what a sweep changed there. Named after the host's own name because lab hosts share
// one /var/tmp. All scripts here are constant; values travel as positional arguments.

export const MARKER_ROOT = '/var/tmp/migbench';

/** Prefix of every marker script: $d is this host's folder, created if missing. */
const DIR = `d="${MARKER_ROOT}/host-$(hostname)"; mkdir -p -m 700 "$d" || exit 1;`;

export const scripts = {
  /** $1 = id; the marker's JSON on stdin. */
  writeMarker: `${DIR} mkdir -p -m 700 "$d/undo" && cat > "$d/undo/$1.json.tmp" && mv "$d/undo/$1.json.tmp" "$d/undo/$1.json"`,
  /** $1 = id. */
  removeMarker: `${DIR} rm -f "$d/undo/$1.json"`,
  /** Prints every marker as "@@marker <id>" followed by its JSON. */
  listMarkers: `${DIR} for f in "$d"/undo/*.json; do [ -e "$f" ] || continue; i=\${f##*/}; echo "@@marker \${i%.json}"; cat "$f"; echo; done`,
  /**
   * Holds the host lock for as long as its stdin stays open (the SSH channel): prints "locked" once it has it,
   * exits 75 at once when another process holds it. $1 = holder JSON. The empty lock file stays (removing it
   * would race with the next holder); the holder note and an empty undo folder go.
   */
  holdLock: `${DIR} exec 9>>"$d/lock"; flock -n 9 || exit 75; printf '%s\\n' "$1" > "$d/holder.json"; echo locked; cat >/dev/null; rm -f "$d/holder.json"; rmdir "$d/undo" 2>/dev/null; exit 0`,
  /** Prints the holder of this host's lock. */
  readHolder: `d="${MARKER_ROOT}/host-$(hostname)"; cat "$d/holder.json" 2>/dev/null || true`,
} as const;
