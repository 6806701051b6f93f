/** `imbridge fake <vendor>`: a vendor's fake server; its first stdout line is its backend block. */
import { findVendor } from '../../adapters/index.js';
import { usage } from './exit-codes.js';

export async function fake(vendor: string, flags: { port?: string; host?: string }): Promise<void> {
  const vendorFake = findVendor(vendor)?.fake;
  if (!vendorFake) usage(`no fake for vendor "${vendor}"`);
  const port = flags.port === undefined ? 0 : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`--port: "${flags.port}" is not a port number`);
  const running = await vendorFake.start({ port, host: flags.host ?? '127.0.0.1' });
  const stop = () => void running.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // The first line is the contract: the backend block to paste under `backends:`.
  process.stdout.write(`${JSON.stringify(running.backendConfig)}\n`);
  process.stdout.write(`${vendor} fake listening on ${running.url}\n`);
}
