// Experiment files for the end-to-end tests, written into a test's own folder and named after the sweep they run.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** DIR/NAME.yaml holding `name: NAME` and then `yaml` (the rest of the experiment); returns its path. */
export function experiment(dir: string, name: string, yaml: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\n${yaml}`);
  return file;
}

/** A pre-copy that takes several seconds: a writer behind a delayed link (the relay, or netem where it exists). Add `repetitions:`. */
export const LONG_PRECOPY = 'strategies: [precopy]\nloads:\n  - {name: w50, size: 64, rate_mib_s: 50}\ndelays_ms: [30]\ndirections: a-to-b\nwarmup_s: 1\nsettle_s: 0\ntimeout: {seconds: 60}\n';
