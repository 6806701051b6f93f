/**
 * imbridge command line:
 *   imbridge serve [--config path.yaml]          run the server (IMBRIDGE_CONFIG also names the config)
 *   imbridge capabilities [--config …] [--backend name]   print a backend's capability document
 *   imbridge fake <vendor> [--port N] [--host H]  run a vendor fake; first line: its backend config block
 *   imbridge conformance --config live.yaml --backend NAME [--report out.md] [--record DIR] [--facet F]…
 *                                                the conformance suite against a live deployment
 *   imbridge migrate --config cfg.yaml --from A --to B [--dry-run] …   move A's social graph to B
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { createBackends } from '../server/create-backends.js';
import { createLogger } from '../server/create-logger.js';
import { ChangeLog } from '../server/change-log.js';
import { startServer } from '../server/start-server.js';
import { VENDORS, findVendor } from '../../adapters/index.js';
import { conformance } from './conformance-command.js';
import { migrate } from './migrate-command.js';
import { mirrorCheck } from './mirror-check-command.js';

const FAKE_VENDORS = VENDORS.filter((vendor) => vendor.fake).map((vendor) => vendor.name);

const USAGE = `usage:
  imbridge serve [--config path.yaml]
  imbridge capabilities [--config path.yaml] [--backend name]
  imbridge fake <${FAKE_VENDORS.join('|')}> [--port N] [--host H]
  imbridge conformance --config live.yaml --backend NAME [--report out.md] [--record DIR]
                       [--facet NAME]... [--rounds N] [--timeout MS] [--target TEXT]
  imbridge migrate --config cfg.yaml --from A --to B [--dry-run] [--users FILE] [--rooms FILE]
                   [--checkpoint FILE] [--concurrency N] [--report FILE] [--id-map FILE]
                   [--on-gap skip|fail]
  imbridge mirror-check --config cfg.yaml --backend NAME [--users FILE] [--report FILE]`;

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function configPath(value: string | undefined): string | undefined {
  return value ?? process.env.IMBRIDGE_CONFIG;
}

async function serve(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' } }, strict: true });
  const config = loadConfig(configPath(values.config));
  const running = await startServer(config);
  // Start-up and shutdown are announced even when the configured level quiets request logs.
  const logger = createLogger(config.server.logLevel === 'silent' ? 'silent' : 'info');
  logger.info({ url: running.url, backends: [...running.backends.keys()], defaultBackend: config.defaultBackend }, 'imbridge listening');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function capabilities(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' }, backend: { type: 'string' } }, strict: true });
  const config = loadConfig(configPath(values.config));
  const name = values.backend ?? config.defaultBackend;
  const backendConfig = config.backends[name];
  if (!backendConfig) fail(`no backend named "${name}" in the config`);
  const logger = createLogger('silent');
  // The whole config, building only this backend and those it is made of (a mirror's two sides).
  const backends = await createBackends(config.backends, { logger, changes: new ChangeLog(), only: [name] });
  const backend = backends.get(name)!;
  process.stdout.write(`${JSON.stringify({ backend: name, vendor: backend.vendor, capabilities: backend.capabilities, idRule: backend.idRule }, null, 2)}\n`);
  await Promise.all([...backends.values()].map((built) => built.close()));
}

async function fake(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options: { port: { type: 'string' }, host: { type: 'string' } }, allowPositionals: true, strict: true });
  const vendor = positionals[0];
  const vendorFake = vendor === undefined ? undefined : findVendor(vendor)?.fake;
  if (!vendor || !vendorFake) fail(USAGE);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port: "${values.port}" is not a port number`);
  const running = await vendorFake.start({ port, host: values.host ?? '127.0.0.1' });
  // The first line is the contract: the backend block to paste under `backends:`.
  process.stdout.write(`${JSON.stringify(running.backendConfig)}\n`);
  process.stdout.write(`${vendor} fake listening on ${running.url}\n`);
  const stop = () => void running.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'serve':
    case undefined:
      return serve(rest);
    case 'capabilities':
      return capabilities(rest);
    case 'fake':
      return fake(rest);
    case 'conformance':
      process.exitCode = await conformance(rest, (message) => fail(`${message}\n${USAGE}`));
      return;
    case 'migrate':
      process.exitCode = await migrate(rest, (message) => fail(`${message}\n${USAGE}`));
      return;
    case 'mirror-check':
      process.exitCode = await mirrorCheck(rest, (message) => fail(message));
      return;
    case '--help':
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      fail(USAGE);
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) fail(`imbridge: ${error.message}`, 78);
  fail(`imbridge: ${error instanceof Error ? error.message : String(error)}`, 1);
});
