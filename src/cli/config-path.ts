/** `--config FILE` when given, else `IMBRIDGE_CONFIG`; undefined = the built-in default config. */
export function configPath(flag: string | undefined): string | undefined {
  return flag ?? process.env.IMBRIDGE_CONFIG;
}
