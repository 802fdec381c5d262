// The one-line error an experiment file gets, for tests of what the schema refuses.
import assert from 'node:assert/strict';
import { ExperimentSchema } from '../../src/config/experiment.js';
import { parseYamlText } from '../../src/config/yaml-file.js';
import { InputError } from '../../src/errors.js';

/** The InputError message of `yaml` read as e.yaml; fails the test when it is accepted. */
export function experimentError(yaml: string): string {
  try {
    parseYamlText(yaml, 'e.yaml', ExperimentSchema);
  } catch (e) {
    assert.ok(e instanceof InputError);
    return e.message;
  }
  return assert.fail('accepted');
}
