/**
 * The `imbridge` command (bin/imbridge.js runs the compiled form of this file). `imbridge help`
 * lists the commands; README "Command line" has the exit codes.
 */
import { CommanderError } from 'commander';
import { ConfigError } from '../config/load-config.js';
import { createProgram } from './create-program.js';
import { CommandFailure, EXIT } from './exit-codes.js';
import { followNpmWrapper } from './follow-npm-wrapper.js';

/** The exit code for what ended the command, after its message went to stderr. */
function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help or the version asked for: success. Help shown because a command was missing (bare
    // `imbridge`, `imbridge config`) and every parse error: a usage error.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
    if (error.code === 'commander.help') return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return EXIT.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`imbridge: ${message}\n`);
  if (error instanceof ConfigError) return EXIT.config;
  if (error instanceof CommandFailure) return error.exitCode;
  return EXIT.runtime;
}

// Before anything starts: npm may be stopped as soon as the command's first output appears.
followNpmWrapper();
const program = createProgram((exitCode) => {
  process.exitCode = exitCode;
});
try {
  await program.parseAsync(process.argv.slice(2), { from: 'user' });
} catch (error) {
  process.exit(exitCodeFor(error));
}
