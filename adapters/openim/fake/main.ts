/**
 * Runs the OpenIM fake as a process without the imbridge CLI:
 * `node --import tsx adapters/openim/fake/main.ts --port 10002 [--version 3.8.3] [--friend-verify]`.
 * The first output line is the backend block for the config (as `imbridge fake openim` prints).
 */
import { startFake } from './index.js';

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const fake = await startFake({
  port: Number(argument('--port') ?? 10002),
  host: argument('--host') ?? '127.0.0.1',
  ...(argument('--version') !== undefined ? { version: argument('--version')! } : {}),
  ...(argument('--secret') !== undefined ? { secret: argument('--secret')! } : {}),
  friendVerify: process.argv.includes('--friend-verify'),
});
process.stdout.write(`${JSON.stringify(fake.backendConfig)}\n`);
const stop = () => void fake.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
