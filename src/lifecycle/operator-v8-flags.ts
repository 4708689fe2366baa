/**
 * Whether the operator chose one of these V8 flags (`--flag` or
 * `--no-flag`, on node's command line or in NODE_OPTIONS): the gateway
 * then leaves it as chosen.
 */
export function chosenByOperator(...flags: string[]): boolean {
  const names = flags.flatMap((flag) => [`--${flag}`, `--no-${flag}`]);
  return [
    ...process.execArgv,
    ...(process.env.NODE_OPTIONS ?? '').split(/\s+/),
  ].some((arg) => {
    const name = arg.replaceAll('_', '-').split('=')[0];
    return name !== undefined && names.includes(name);
  });
}
