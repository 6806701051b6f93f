/** `--config FILE` when given, else `IMBRIDGE_CONFIG` (an empty one as unset); undefined = the built-in config. */
export function configPath(flag: string | undefined): string | undefined {
  return flag ?? (process.env.IMBRIDGE_CONFIG || undefined);
}
