import type { OIDCError } from '../errors/oidc-error.ts';

/** One metadata member being read: its name, raw value, and how to report a problem with it. */
export interface Field {
  name: string;
  value: unknown;
  fail: (problem: string) => OIDCError;
}

/** A string member, or undefined when absent. */
export function readString(field: Field): string | undefined {
  if (field.value === undefined) return undefined;
  if (typeof field.value !== 'string') throw field.fail('must be a string');
  return field.value;
}

/** A boolean member, or undefined when absent. */
export function readBoolean(field: Field): boolean | undefined {
  if (field.value === undefined) return undefined;
  if (typeof field.value !== 'boolean') throw field.fail('must be a boolean');
  return field.value;
}

/** An array of strings each taken from `allowed`, de-duplicated; undefined when absent. */
export function readArray<T extends string>(field: Field, allowed: readonly T[]): T[] | undefined {
  if (field.value === undefined) return undefined;
  if (!Array.isArray(field.value)) throw field.fail('must be an array of strings');
  const values: T[] = [];
  for (const item of field.value as unknown[]) {
    if (typeof item !== 'string') throw field.fail('must be an array of strings');
    if (!(allowed as readonly string[]).includes(item)) {
      throw field.fail(`has unsupported value "${item}" (supported: ${allowed.join(', ')})`);
    }
    if (!values.includes(item as T)) values.push(item as T);
  }
  return values;
}
