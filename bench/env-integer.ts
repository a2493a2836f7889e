/** Integer settings of the bench's command-line entries (`run.ts`, `profile.ts`), read from the environment. */

/** `process.env[name]` as an integer ≥ `min`, `fallback` when unset or empty; anything else stops `tool` with exit 2. */
export function envInteger(tool: string, name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) {
    console.error(`${tool}: ${name} must be an integer ≥ ${String(min)}, got "${raw}"`);
    process.exit(2);
  }
  return Number(raw);
}
