// The one undo stack: what a command opened or changed, taken down last first. A step that fails is reported and
// the rest still run, so one broken connection never leaves the others open.
import { errorMessage } from '../errors.js';

export class Teardown {
  private readonly steps: Array<{ readonly what: string; readonly step: () => unknown }> = [];

  add(what: string, step: () => unknown): void {
    this.steps.push({ what, step });
  }

  /** Runs every step, last added first, once; returns "what: why" of each that failed. */
  async run(): Promise<string[]> {
    const failed: string[] = [];
    for (const { what, step } of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (err) {
        failed.push(`${what}: ${errorMessage(err)}`);
      }
    }
    return failed;
  }
}
