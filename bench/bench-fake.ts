/**
 * A vendor fake in a process of its own for the vendor-path bench, counting the TCP connections
 * it accepts, so the bench can tell how many upstream connections each path opened. The first
 * line on stdout is the fake's backend block (as `imbridge fake` prints it); a `connections`
 * message over IPC is answered with the count so far.
 *
 *   node --import tsx bench/bench-fake.ts <vendor>
 */
import { Server } from 'node:http';
import { findVendor } from '../adapters/index.js';

let connections = 0;
const emit = Server.prototype.emit;
Server.prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]) {
  if (event === 'connection') connections += 1;
  return (emit as (this: Server, event: string | symbol, ...rest: unknown[]) => boolean).call(this, event, ...args);
} as Server['emit'];

const vendor = process.argv[2] ?? '';
const fake = findVendor(vendor)?.fake;
if (!fake) throw new Error(`no fake for vendor "${vendor}"`);
const running = await fake.start({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify(running.backendConfig)}\n`);
process.on('message', (message) => {
  if (message === 'connections') process.send!({ connections });
});
process.on('disconnect', () => void running.close().then(() => process.exit(0)));
