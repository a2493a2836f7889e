/** Go durations as the CRD uses them (`720h`, `1h30m`, `90s`, `500ms`), in milliseconds. Pure. */

const units: Partial<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;

/** Milliseconds of a Go duration string, or undefined when it is not one (negative durations are refused). */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  if (text === '') return undefined;
  part.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let match = part.exec(text); match !== null; match = part.exec(text)) {
    total += Number(match[1]) * (units[match[2]] ?? Number.NaN);
    consumed = part.lastIndex;
  }
  return consumed === text.length && Number.isFinite(total) ? total : undefined;
}
