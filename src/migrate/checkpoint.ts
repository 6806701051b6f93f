/**
 * The checkpoint of a migration: one JSON line per event, appended synchronously, so a run
 * killed at any instant leaves a file that says, per step, whether it never began, may have
 * begun (`start` without `done`: its write may have reached the target) or finished. A rerun
 * skips finished steps, asks the target about begun ones, and runs the rest: no write is sent
 * twice. Room creates keep their result (the target's id of the room).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

interface Line {
  start?: string;
  done?: string;
  result?: string;
}

export class Checkpoint {
  readonly done = new Map<string, string | undefined>();
  readonly begun = new Set<string>();
  /** Whether the file held anything when opened (a rerun). */
  readonly resumed: boolean;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.resumed = existsSync(path) && readFileSync(path, 'utf8').trim() !== '';
    if (!this.resumed) return;
    for (const text of readFileSync(path, 'utf8').split('\n')) {
      if (text.trim() === '') continue;
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch {
        // A kill mid-append leaves at most one torn last line; it recorded nothing finished.
        continue;
      }
      if (line.start) this.begun.add(line.start);
      if (line.done) this.done.set(line.done, line.result);
    }
  }

  start(key: string): void {
    appendFileSync(this.path, `${JSON.stringify({ start: key })}\n`);
  }

  finish(key: string, result?: string): void {
    appendFileSync(this.path, `${JSON.stringify(result === undefined ? { done: key } : { done: key, result })}\n`);
    this.done.set(key, result);
  }
}
