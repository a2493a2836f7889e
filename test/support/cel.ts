/**
 * Evaluates the CRDs' CEL rules (`x-kubernetes-validations`) offline, with @bufbuild/cel, because the v1.20 test API
 * server ignores them (CEL arrived in Kubernetes 1.25) and no newer server can run here. A rule that does not parse
 * would make a 1.25+ server refuse the whole CRD, so the tests parse and run every rule.
 *
 * Values are handed to CEL the way Kubernetes does: objects as maps, integers as CEL ints, lists as lists. Rules run
 * only where the value they sit on is present, and transition rules (those using `oldSelf`) only when an old value
 * is given, as on a Kubernetes update.
 */
import { isCelError, run, type CelInput } from '@bufbuild/cel';
import type { JsonSchema } from './crds.ts';

/** One CEL rule and where it sits. */
export interface CelRule {
  /** Dotted path of the schema node (`spec.redis`), `[]` for list items; '' for the root. */
  path: string;
  rule: string;
  message?: string;
}

/** Every CEL rule in a CRD schema. */
export function celRules(schema: JsonSchema, path = ''): CelRule[] {
  const here = ((schema['x-kubernetes-validations'] ?? []) as { rule: string; message?: string }[]).map((v) => ({
    path,
    rule: v.rule,
    ...(v.message === undefined ? {} : { message: v.message }),
  }));
  const join = (key: string): string => (path ? `${path}.${key}` : key);
  return [
    ...here,
    ...Object.entries(schema.properties ?? {}).flatMap(([key, child]) => celRules(child, join(key))),
    ...(schema.items ? celRules(schema.items, `${path}[]`) : []),
  ];
}

/** Whether a rule compares with the old object (Kubernetes runs those on updates only). */
export function isTransitionRule(rule: string): boolean {
  return /\boldSelf\b/.test(rule);
}

/** A JSON value as CEL input. */
export function toCel(value: unknown): CelInput {
  if (Array.isArray(value)) return value.map(toCel);
  if (value !== null && typeof value === 'object') {
    return new Map(Object.entries(value).map(([key, child]) => [key, toCel(child)]));
  }
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number' || value === null) {
    return value;
  }
  throw new Error(`not a JSON value: ${typeof value}`);
}

/** Runs one rule; throws when it does not parse, fails to evaluate, or yields something other than a bool. */
export function evaluateRule(rule: string, self: unknown, oldSelf?: unknown): boolean {
  const bindings: Record<string, CelInput> = { self: toCel(self) };
  if (oldSelf !== undefined) bindings['oldSelf'] = toCel(oldSelf);
  const result = run(rule, bindings);
  if (isCelError(result)) throw new Error(`CEL rule ${rule}: ${result.message}`);
  if (typeof result !== 'boolean') throw new Error(`CEL rule ${rule} gave a ${typeof result}, not a bool`);
  return result;
}

/** The values a path selects in an object (several below a `[]`; none where something is absent). */
function valuesAt(object: unknown, path: string): unknown[] {
  let values = [object];
  for (const segment of path ? path.split('.') : []) {
    const name = segment.replace(/\[\]$/, '');
    values = values.flatMap((v) => {
      const child = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[name] : undefined;
      if (child === undefined) return [];
      return segment === name ? [child] : Array.isArray(child) ? (child as unknown[]) : [];
    });
  }
  return values;
}

/**
 * Messages of the rules `object` breaks, as a 1.25+ server would report them. With `old`, transition rules compare
 * against it (for `[]` paths, elements are paired by position); without, they are skipped as on a create.
 */
export function celViolations(rules: readonly CelRule[], object: unknown, old?: unknown): string[] {
  const violations: string[] = [];
  for (const r of rules) {
    const transition = isTransitionRule(r.rule);
    if (transition && old === undefined) continue;
    const olds = old === undefined ? [] : valuesAt(old, r.path);
    valuesAt(object, r.path).forEach((self, i) => {
      if (transition && olds[i] === undefined) return;
      if (!evaluateRule(r.rule, self, transition ? olds[i] : undefined)) violations.push(r.message ?? r.rule);
    });
  }
  return violations;
}
