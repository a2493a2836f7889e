/**
 * Generates docs/crds.md from the CustomResourceDefinitions in crds/ (the single source of truth), so the reference
 * never drifts from the schemas. `test/crds/docs.test.ts` fails when the checked-in file is stale.
 *
 *   node scripts/gen-crd-docs.ts           # rewrite docs/crds.md
 *   node scripts/gen-crd-docs.ts --check   # exit 1 if docs/crds.md is stale
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { parse } from 'yaml';

/** The parts of a schema node the reference shows. */
interface Schema {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  oneOf?: Schema[];
  not?: Schema;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-validations'?: { rule: string; message?: string }[];
}

/** The parts of a CRD the reference shows. */
interface Crd {
  metadata: { name: string };
  spec: {
    group: string;
    scope: string;
    names: { kind: string; plural: string; shortNames?: string[]; categories?: string[] };
    versions: {
      name: string;
      subresources?: { status?: object; scale?: Record<string, string> };
      additionalPrinterColumns?: { name: string; jsonPath: string; priority?: number }[];
      schema: { openAPIV3Schema: Schema };
    }[];
  };
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where the reference is written. */
export const DOC_PATH = join(ROOT, 'docs', 'crds.md');

/** Reads every CRD in crds/, sorted by file name. */
export function readCrds(dir = join(ROOT, 'crds')): Crd[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => parse(readFileSync(join(dir, name), 'utf8')) as Crd);
}

const code = (text: string): string => `\`${text}\``;
/** Table cells cannot hold pipes or newlines. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const json = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

function typeOf(node: Schema): string {
  if (node['x-kubernetes-int-or-string']) return 'int or string';
  if (node.type === 'array') return `[]${node.items ? typeOf(node.items) : 'any'}`;
  if (node.type === 'object' && typeof node.additionalProperties === 'object') {
    return `map[string]${typeOf(node.additionalProperties)}`;
  }
  if (node.type === 'object' && node['x-kubernetes-preserve-unknown-fields'] && !node.properties) return 'object (any)';
  return node.format && node.format !== 'date-time' ? `${node.type ?? 'any'} (${node.format})` : (node.type ?? 'any');
}

/** Value constraints of a node (and, for lists and maps of scalars, of their elements). */
function constraints(node: Schema): string[] {
  const out: string[] = [];
  const element =
    node.type === 'array'
      ? node.items
      : typeof node.additionalProperties === 'object'
        ? node.additionalProperties
        : undefined;
  if (element) out.push(...constraints(element).map((c) => `each: ${c}`));
  if (node.enum) out.push(`one of ${node.enum.map((v) => code(json(v))).join(', ')}`);
  if (node.minimum !== undefined) out.push(`≥ ${node.minimum}`);
  if (node.maximum !== undefined) out.push(`≤ ${node.maximum}`);
  if (node.minLength !== undefined) out.push(`min length ${node.minLength}`);
  if (node.maxLength !== undefined) out.push(`max length ${node.maxLength}`);
  if (node.minItems !== undefined) out.push(`min ${node.minItems} items`);
  if (node.maxItems !== undefined) out.push(`max ${node.maxItems} items`);
  if (node['x-kubernetes-list-type'] === 'set') out.push('unique items');
  if (node['x-kubernetes-list-type'] === 'map') {
    out.push(`one item per ${(node['x-kubernetes-list-map-keys'] ?? []).map(code).join(', ')}`);
  }
  if (node.format === 'date-time') out.push('RFC 3339 date-time');
  if (node.pattern) out.push(`pattern ${code(node.pattern)}`);
  if (node.oneOf) out.push(`exactly one of: ${node.oneOf.map(describeBranch).join('; ')}`);
  if (node.not?.required) out.push(`not both ${node.not.required.map(code).join(' and ')}`);
  if (node['x-kubernetes-preserve-unknown-fields'] && node.properties) out.push('other fields pass through');
  return out;
}

function describeBranch(branch: Schema): string {
  const conditions = Object.entries(branch.properties ?? {}).map(
    ([key, p]) => `${code(key)} = ${(p.enum ?? []).map((v) => code(json(v))).join(' or ')}`,
  );
  const required = (branch.required ?? []).map(code).join(', ');
  return conditions.length > 0 ? `${conditions.join(', ')} with ${required}` : required;
}

interface Row {
  path: string;
  node: Schema;
  required: boolean;
}

/** Every field below `node`, depth first, in schema order. */
function rows(node: Schema, path: string): Row[] {
  const out: Row[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const childPath = path ? `${path}.${key}` : key;
    out.push({ path: childPath, node: child, required: node.required?.includes(key) ?? false });
    if (child.properties) out.push(...rows(child, childPath));
    if (child.items?.properties) out.push(...rows(child.items, `${childPath}[]`));
  }
  return out;
}

function celRules(node: Schema, path: string): string[] {
  const here = (node['x-kubernetes-validations'] ?? []).map(
    (v) => `- ${code(path)}: ${v.message ?? v.rule} (${code(v.rule)})`,
  );
  const below = Object.entries(node.properties ?? {}).flatMap(([key, child]) => celRules(child, `${path}.${key}`));
  return [...here, ...below];
}

function renderCrd(crd: Crd): string {
  const { names, group, scope } = crd.spec;
  const version = crd.spec.versions.at(0);
  if (version === undefined) throw new Error(`${crd.metadata.name} has no versions`);
  const schema = version.schema.openAPIV3Schema;
  const subresources = [
    ...(version.subresources?.status ? ['status'] : []),
    ...(version.subresources?.scale
      ? [`scale (${Object.values(version.subresources.scale).map(code).join(', ')})`]
      : []),
  ];
  const columns = version.additionalPrinterColumns ?? [];
  const table = [
    '| Field | Type | Required | Default | Constraints | Description |',
    '| --- | --- | --- | --- | --- | --- |',
    ...['spec', 'status'].flatMap((part) => {
      const node = schema.properties?.[part];
      if (node === undefined) return [];
      return [{ path: part, node, required: schema.required?.includes(part) ?? false }, ...rows(node, part)].map(
        (r) =>
          `| ${[
            code(r.path),
            typeOf(r.node),
            r.required ? 'yes' : '',
            r.node.default === undefined ? '' : code(json(r.node.default)),
            constraints(r.node).join('; '),
            r.node.description ?? '',
          ]
            .map(cell)
            .join(' | ')} |`,
      );
    }),
  ];
  const rules = celRules(schema, '');
  return [
    `## ${names.kind}`,
    '',
    `${code(`${group}/${version.name}`)}, ${scope.toLowerCase()}, plural ${code(names.plural)}` +
      (names.shortNames ? `, short name ${names.shortNames.map(code).join(', ')}` : '') +
      (names.categories ? `, category ${names.categories.map(code).join(', ')}` : '') +
      '. ' +
      `Subresources: ${subresources.join(', ') || 'none'}.`,
    '',
    cell(schema.description ?? ''),
    '',
    `\`kubectl get\` columns: ${columns
      .filter((c) => !c.priority)
      .map((c) => c.name)
      .join(', ')}; with \`-o wide\` also ${columns
      .filter((c) => c.priority)
      .map((c) => c.name)
      .join(', ')}.`,
    '',
    '### Fields',
    '',
    ...table,
    '',
    '### Rules beyond the schema',
    '',
    'CEL rules (`x-kubernetes-validations`), enforced by API servers from Kubernetes 1.25; on older servers the ' +
      'operator checks them and reports violations in status.',
    '',
    ...(rules.length > 0 ? rules : ['None.']),
    '',
  ].join('\n');
}

/** Providers first: clients refer to them. */
function kindRank(crd: Crd): number {
  const rank = ['OIDCProvider', 'OIDCClient'].indexOf(crd.spec.names.kind);
  return rank === -1 ? Number.MAX_SAFE_INTEGER : rank;
}

/** The whole reference, formatted with the project's Prettier configuration. */
export async function renderCrdDocs(crds: Crd[] = readCrds()): Promise<string> {
  const markdown = [
    '# Custom resources',
    '',
    '<!-- Generated from crds/*.yaml by `node scripts/gen-crd-docs.ts`. Do not edit: a test fails when stale. -->',
    '',
    'kubeoidc defines two namespaced kinds in the API group `kubeoidc.dev`. Samples are in `crds/samples/`.',
    '',
    'Install: `kubectl apply -f crds/` (the Helm chart installs them too). On clusters older than Kubernetes 1.25,',
    "kubectl's client-side validation does not know `x-kubernetes-validations`: use `kubectl apply --validate=false",
    '-f crds/`; the API server then ignores the CEL rules listed below and the operator checks them instead.',
    '',
    'Paths use `[]` for the elements of a list; "Required" means required within the parent object.',
    '',
    ...[...crds].sort((a, b) => kindRank(a) - kindRank(b)).map(renderCrd),
  ].join('\n');
  const options = (await resolveConfig(DOC_PATH)) ?? {};
  return format(markdown, { ...options, parser: 'markdown' });
}

if (import.meta.main) {
  const rendered = await renderCrdDocs();
  if (process.argv.includes('--check')) {
    const current = readFileSync(DOC_PATH, 'utf8');
    if (current !== rendered) {
      process.stderr.write(`${DOC_PATH} is stale: run node scripts/gen-crd-docs.ts\n`);
      process.exit(1);
    }
  } else {
    writeFileSync(DOC_PATH, rendered);
    process.stdout.write(`wrote ${DOC_PATH}\n`);
  }
}
