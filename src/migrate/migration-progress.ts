/**
 * Progress of a migration: on a terminal one bar per facet with items/s and ETA (cli-progress);
 * otherwise a plain log line when a facet starts, every 5 s, and when it ends.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';

export interface FacetProgress {
  advance(): void;
  stop(): void;
}

export interface MigrationProgress {
  facet(name: string, total: number): FacetProgress;
  close(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr, quiet = false): MigrationProgress {
  if (quiet) return { facet: () => ({ advance() {}, stop() {} }), close() {} };
  if (stream.isTTY) {
    const bars = new MultiBar(
      { stream, format: '{facet} |{bar}| {value}/{total} · {rate}/s · ETA {eta_formatted}', hideCursor: true, clearOnComplete: false, etaBuffer: 50 },
      Presets.shades_classic,
    );
    return {
      facet(name, total) {
        const started = Date.now();
        const bar: SingleBar = bars.create(total, 0, { facet: name.padEnd(15), rate: '0' });
        let done = 0;
        return {
          advance() {
            done += 1;
            bar.update(done, { rate: (done / Math.max((Date.now() - started) / 1000, 0.001)).toFixed(0) });
          },
          stop() {
            bar.update(total);
          },
        };
      },
      close: () => bars.stop(),
    };
  }
  return {
    facet(name, total) {
      const started = Date.now();
      let done = 0;
      let logged = started;
      const line = (what: string) => stream.write(`migrate: ${name}: ${what}\n`);
      line(`${total} to write`);
      return {
        advance() {
          done += 1;
          if (Date.now() - logged >= 5_000) {
            logged = Date.now();
            const rate = done / ((logged - started) / 1000);
            line(`${done}/${total}, ${rate.toFixed(0)}/s, ETA ${Math.ceil((total - done) / Math.max(rate, 0.001))} s`);
          }
        },
        stop() {
          line(`${done}/${total} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        },
      };
    },
    close() {},
  };
}
