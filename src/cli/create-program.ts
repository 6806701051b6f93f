/**
 * The imbridge command line, on commander: help per command (`-h`, `--help`, `help <command>`),
 * `--version`, and one exit code per kind of failure (exit-codes.ts). Every command's flags keep
 * the names and meaning they had before commander, because scripts call them.
 */
import { Argument, Command, Option } from 'commander';
import { VENDORS } from '../../adapters/index.js';
import { capabilities } from './capabilities-command.js';
import { configCheck } from './config-check-command.js';
import { conformance } from './conformance-command.js';
import { usage } from './exit-codes.js';
import { fake } from './fake-command.js';
import { migrate } from './migrate-command.js';
import { mirrorCheck } from './mirror-check-command.js';
import { packageVersion } from './package-version.js';
import { serve } from './serve-command.js';

const FAKE_VENDORS = VENDORS.filter((vendor) => vendor.fake).map((vendor) => vendor.name);

const ENVIRONMENT_HELP = `
Environment:
  IMBRIDGE_CONFIG  the config file when --config is not given
  PORT, HOST       override server.port and server.host
  LOG_LEVEL        overrides server.logLevel (trace, debug, info, warn, error, silent)`;

const EXIT_HELP = `
Exit codes: 0 success, 1 runtime error, 2 usage error, 78 invalid config.`;

const repeatable = (value: string, previous: string[]) => [...previous, value];

/**
 * The program. `done(code)` receives the exit code of a command that ends by itself; `serve` and
 * `fake` keep running and never call it.
 */
export function createProgram(done: (exitCode: number) => void): Command {
  const program = new Command('imbridge')
    .description(`One HTTP API for IM relationships, answered by the backend you choose: ${VENDORS.map((vendor) => vendor.name).join(', ')}.`)
    .version(packageVersion(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .showHelpAfterError('(imbridge help lists the commands)')
    .configureOutput({ outputError: (text, write) => write(`imbridge: ${text.replace(/^error: /, '')}`) })
    .exitOverride()
    .addHelpText('after', `${ENVIRONMENT_HELP}\n${EXIT_HELP}`);

  program
    .command('serve')
    .description('run the server (the native backend on 127.0.0.1:8080 without a config)')
    .option('--config <file>', 'config file (default: $IMBRIDGE_CONFIG, else the built-in config)')
    .addHelpText('after', ENVIRONMENT_HELP)
    .action((flags: { config?: string }) => serve(flags));

  program
    .command('capabilities')
    .description("print a backend's capability document and ID rule, offline")
    .option('--config <file>', 'config file (default: $IMBRIDGE_CONFIG)')
    .option('--backend <name>', 'the backend (default: the config\'s defaultBackend)')
    .action(async (flags: { config?: string; backend?: string }) => {
      await capabilities(flags);
      done(0);
    });

  program
    .command('fake')
    .description("run a vendor's fake server; its first stdout line is the backend block for the config")
    .addArgument(new Argument('<vendor>', 'the vendor').choices(FAKE_VENDORS))
    .option('--port <port>', 'port to listen on (default: a free one)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action((vendor: string, flags: { port?: string; host?: string }) => fake(vendor, flags));

  const config = program.command('config').description('work with a config file');
  config
    .command('check')
    .description('validate a config as start-up would, without starting; exit 0 valid, 78 invalid')
    .option('--config <file>', 'config file (default: $IMBRIDGE_CONFIG, else the built-in config)')
    .action((flags: { config?: string }) => {
      configCheck(flags);
      done(0);
    });

  program
    .command('conformance')
    .description('run the conformance suite against a live deployment of one configured backend, or a running imbridge (--url); exit 0 when nothing failed')
    .option('--config <file>', 'config file with the backend to test (or --url)')
    .option('--url <url>', 'a running imbridge to test from outside, through its own API; its key from $IMBRIDGE_API_KEY')
    .option('--backend <name>', 'the backend to test (required with --config; with --url, sent as X-IM-Backend)')
    .option('--report <file>', 'also write the report (Markdown) here')
    .option('--junit <file>', 'also write the results as JUnit XML here (for CI test reports)')
    .option('--record <dir>', "keep every exchange with the vendor, one JSON file per facet, as the fake's replay fixtures")
    .option('--facet <name>', 'run only this facet (repeatable)', repeatable, [])
    .option('--rounds <n>', 'rounds of the concurrency facet')
    .option('--timeout <ms>', 'time limit per test')
    .option('--target <text>', 'what was tested (a version, a host), for the report')
    .action(async (flags: Parameters<typeof conformance>[0]) => done(await conformance(flags, usage)));

  program
    .command('migrate')
    .description("copy backend A's social graph to backend B, checked before and read back after")
    .option('--config <file>', 'config file (required)')
    .option('--from <name>', 'the source backend (required)')
    .option('--to <name>', 'the target backend (required)')
    .option('--dry-run', 'plan and pre-flight only: write nothing', false)
    .option('--users <file>', 'users to copy, one uid per line (default: every user the source lists)')
    .option('--rooms <file>', 'rooms to copy besides those found: one id, group:id or chatroom:id per line')
    .option('--checkpoint <file>', 'resume file (default: ./data/migrate-A-B.checkpoint)')
    .option('--concurrency <n>', 'writes in flight, 1 to 256', '8')
    .option('--report <file>', 'write the JSON report here')
    .option('--id-map <file>', 'ids to rename: "old new" per line')
    .addOption(new Option('--on-gap <mode>', 'what the target cannot hold: fail (write nothing) or skip (copy the rest)').default('fail'))
    .action(async (flags: Parameters<typeof migrate>[0]) => done(await migrate(flags, usage)));

  program
    .command('mirror-check')
    .description('compare both sides of a mirror backend; exit 0 no difference, 1 differences, 2 could not compare')
    .option('--config <file>', 'config file (required)')
    .option('--backend <name>', 'the mirror backend (required)')
    .option('--users <file>', 'users to compare, one uid per line (default: every user both sides list)')
    .option('--rooms <file>', 'rooms to compare besides those found: group:id or chatroom:id per line')
    .option('--report <file>', 'also write the report here')
    .action(async (flags: Parameters<typeof mirrorCheck>[0]) => done(await mirrorCheck(flags, usage)));

  for (const command of [...program.commands, ...config.commands]) {
    const name = command === config.commands[0] ? 'config check' : command.name();
    command.showHelpAfterError(`(imbridge ${name} --help lists its flags)`);
  }
  return program;
}
