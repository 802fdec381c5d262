// Append-only files that survive a crash: every append is written and fsync'd before it returns.
import { closeSync, fsyncSync, openSync, statSync, writeSync } from 'node:fs';

export class AppendFile {
  private fd: number | undefined;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
  }

  get isEmpty(): boolean {
    return statSync(this.path).size === 0;
  }

  append(text: string): void {
    if (this.fd === undefined) throw new Error(`${this.path} is closed`);
    writeSync(this.fd, text);
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
