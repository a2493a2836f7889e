/** The listener arguments docs/events.md documents for each event (its contract table). */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/** The path of docs/events.md. */
export const eventsDoc = resolve(import.meta.dirname, '../../../docs/events.md');

/** Argument names per event, from the contract table rows "| `name` | `(a, b)` |". */
export function documentedArgumentsIn(markdown: string): Map<string, string[]> {
  return new Map(
    [...markdown.matchAll(/^\| `([a-z_.]+)`\s*\| `\(([^)]*)\)`\s*\|/gm)].map((match) => [
      match[1],
      match[2].split(',').map((argument) => argument.trim()),
    ]),
  );
}

/** Reads docs/events.md and returns its argument table. */
export async function documentedArguments(): Promise<Map<string, string[]>> {
  return documentedArgumentsIn(await readFile(eventsDoc, 'utf8'));
}
