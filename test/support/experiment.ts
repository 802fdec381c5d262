// Experiment files for the end-to-end tests, written into a test's own folder and named after the sweep they run.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

// QEMU's dirty-rate calculation (~1.5 s per loaded trial) and the link probe (~1 s per path and delay) are checked
// by 02-reference, which asks for them; elsewhere they only lengthen the suite, so they are off unless a test names them.
const MEASURED_ELSEWHERE = ['dirty_rate_calc: false', 'link_probe: false'];

/** DIR/NAME.yaml holding `name: NAME` and then `yaml` (the rest of the experiment); returns its path. */
export function experiment(dir: string, name: string, yaml: string): string {
  const file = join(dir, `${name}.yaml`);
  const off = MEASURED_ELSEWHERE.filter((line) => !yaml.includes(line.split(':')[0]!));
  writeFileSync(file, `name: ${name}\n${yaml}${yaml.endsWith('\n') || !yaml ? '' : '\n'}${off.map((l) => `${l}\n`).join('')}`);
  return file;
}

/** A pre-copy that takes several seconds: a writer behind a delayed link (the relay, or netem where it exists). Add `repetitions:`. */
export const LONG_PRECOPY = 'strategies: [precopy]\nloads:\n  - {name: w50, size: 64, rate_mib_s: 50}\ndelays_ms: [30]\ndirections: a-to-b\nwarmup_s: 1\nsettle_s: 0\ntimeout: {seconds: 60}\n';
