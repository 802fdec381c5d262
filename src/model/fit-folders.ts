// `migbench fit`'s work without the printing: the rows of results folders, the guest's non-zero RAM at rest from
// their idle trials, the samples, the fitted constants and how well they predict the rows they came from.
import { InputError } from '../errors.js';
import { folderRows } from '../results/read-trials.js';
import { accuracy } from './accuracy.js';
import { fitConstants } from './fit.js';
import { MODEL_FORMAT, type ModelFile } from './model-file.js';
import { describeSkipped, idleNonZeroBytes, type Sample, samplesOf } from './samples.js';

export interface FolderFit {
  readonly model: ModelFile;
  readonly samples: Sample[];
  /** Rows left out, by reason, over all folders. */
  readonly skipped: Map<string, number>;
}

const FIT_FIX = 'fit on sweeps of presets under their own names, run with link_probe and dirty_rate_calc on (their defaults)';

/** `passOver`: leave out folders without the inputs (advise, fitting whatever it finds) instead of refusing. */
export function fitFolders(dirs: readonly string[], passOver = false): FolderFit {
  const perDir = dirs.map((d) => ({ dir: d, rows: folderRows(d) }));
  const baseline = idleNonZeroBytes(perDir.flatMap((d) => d.rows));
  if (baseline === undefined) throw new InputError(`no completed idle trial in ${dirs.join(', ')}: the model needs the guest's non-zero RAM at rest`, 'fit on a sweep whose loads include idle');
  const samples: Sample[] = [];
  const skipped = new Map<string, number>();
  const from: string[] = [];
  for (const { dir, rows } of perDir) {
    const got = samplesOf(rows, baseline);
    if (got.samples.length === 0 && passOver) continue;
    if (got.samples.length === 0) throw new InputError(`${dir}: none of its ${rows.length} trials has the model's inputs (${describeSkipped(got.skipped) || 'no trials'})`, FIT_FIX);
    from.push(dir);
    samples.push(...got.samples);
    for (const [r, n] of got.skipped) skipped.set(r, (skipped.get(r) ?? 0) + n);
  }
  if (samples.length === 0) throw new InputError(`none of the trials in ${dirs.join(', ')} has the model's inputs`, FIT_FIX);
  const fit = fitConstants(samples);
  return {
    model: {
      format: MODEL_FORMAT,
      fittedAt: new Date().toISOString(),
      from,
      trials: samples.length,
      idleNonZeroBytes: baseline,
      constants: fit.constants,
      unfitted: fit.unfitted,
      accuracy: accuracy(samples, fit.constants),
    },
    samples,
    skipped,
  };
}
