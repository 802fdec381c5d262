// raw.jsonl: everything behind a CSV row (verbatim virsh output, parsed stats, errors), one JSON object a line.
import { AppendFile } from './append-file.js';

export class RawJsonl {
  private readonly file: AppendFile;

  constructor(path: string) {
    this.file = new AppendFile(path);
  }

  append(event: string, data: Record<string, unknown>): void {
    this.file.append(`${JSON.stringify({ event, at: new Date().toISOString(), ...data })}\n`);
  }

  close(): void {
    this.file.close();
  }
}
