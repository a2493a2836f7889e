/** A configuration problem found at start; `option` names the offending option (dotted path or env variable). */
export class ConfigError extends Error {
  readonly option: string;

  constructor(option: string, problem: string) {
    super(`invalid configuration: ${option}: ${problem}`);
    this.name = 'ConfigError';
    this.option = option;
  }
}
