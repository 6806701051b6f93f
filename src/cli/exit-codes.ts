/**
 * The exit codes of every imbridge command (README "Command line"): scripts and process managers
 * branch on them, so each cause has one code whichever command or code path meets it.
 */
export const EXIT = {
  ok: 0,
  /** The command ran and failed: a port in use, a vendor down, a failed test, a difference found. */
  runtime: 1,
  /** The command line is wrong: unknown command or flag, missing or malformed value. */
  usage: 2,
  /** The config cannot be used (EX_CONFIG of sysexits.h). */
  config: 78,
} as const;

/** Ends a command with `exitCode` and its message on stderr. */
export class CommandFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CommandFailure';
  }
}

export class UsageError extends CommandFailure {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = 'UsageError';
  }
}

/** The `usage` callback the command modules take: it throws, so the entry point picks the code. */
export function usage(message: string): never {
  throw new UsageError(message);
}
