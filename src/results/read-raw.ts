// Reads what raw.jsonl holds for a few trials (the report's timelines) without parsing the rest of the file.
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

export type RawTrial = Record<string, unknown> & { trial: number };

export async function readRawTrials(file: string, wanted: ReadonlySet<number>): Promise<Map<number, RawTrial>> {
  const out = new Map<number, RawTrial>();
  if (!existsSync(file) || wanted.size === 0) return out;
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.startsWith('{"event":"trial"')) continue;
    const m = /^\{"event":"trial","at":"[^"]*","trial":(\d+),/.exec(line);
    if (!m || !wanted.has(Number(m[1]))) continue;
    out.set(Number(m[1]), JSON.parse(line) as RawTrial);
  }
  return out;
}
