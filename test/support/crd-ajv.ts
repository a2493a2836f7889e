/**
 * Validates objects against a CRD's OpenAPI schema with ajv, offline, for pure tests (fixtures, TypeScript types).
 *
 * ajv checks the JSON Schema subset a CRD uses the way the API server does: types, required, enums, patterns,
 * bounds, oneOf/not. It does not apply defaults, prune, or run the CEL rules. Patterns compile with the `u` flag,
 * so a pattern that is valid for Go's RE2 but not for JavaScript fails here first.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { crdSchema, type JsonSchema } from './crds.ts';

// ajv-formats is CommonJS with `export default`; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** Options of {@link crdValidator}. */
export interface CrdValidatorOptions {
  /**
   * Reject fields the schema does not declare (where it does not preserve unknown fields), as kubectl does. The API
   * server would silently prune them instead.
   */
  rejectUnknownFields?: boolean;
  /** Drop oneOf/anyOf/allOf/not, to check field names and types of a fixture that sets mutually exclusive fields. */
  withoutJunctors?: boolean;
}

/** Result of one validation: the ajv errors, as `instancePath message` strings. */
export type Validate = (object: unknown) => string[];

/** A validator for objects of `kind` (the whole object: apiVersion, kind, metadata, spec, status). */
export function crdValidator(kind: string, options: CrdValidatorOptions = {}): Validate {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    strictTypes: false,
    strictRequired: false,
    unicodeRegExp: true,
  });
  addFormats(ajv);
  ajv.addVocabulary([
    'x-kubernetes-preserve-unknown-fields',
    'x-kubernetes-int-or-string',
    'x-kubernetes-list-type',
    'x-kubernetes-list-map-keys',
    'x-kubernetes-validations',
  ]);
  const validate: ValidateFunction = ajv.compile(adapt(crdSchema(kind), options));
  return (object) => {
    if (validate(object)) return [];
    return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
  };
}

/** Rewrites a CRD schema node for ajv according to `options` (returns a copy). */
function adapt(schema: JsonSchema, options: CrdValidatorOptions): JsonSchema {
  const copy: JsonSchema = { ...schema };
  if (options.withoutJunctors) {
    delete copy['oneOf'];
    delete copy['anyOf'];
    delete copy['allOf'];
    delete copy['not'];
    // int-or-string is expressed with anyOf; keep its meaning.
    if (schema['x-kubernetes-int-or-string'] === true) copy['anyOf'] = [{ type: 'integer' }, { type: 'string' }];
  }
  if (schema.properties) {
    copy.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, adapt(v, options)]));
    const preserves = schema['x-kubernetes-preserve-unknown-fields'] === true;
    if (options.rejectUnknownFields && !preserves && schema.additionalProperties === undefined) {
      copy.additionalProperties = false;
    }
  }
  if (schema.items) copy.items = adapt(schema.items, options);
  if (typeof schema.additionalProperties === 'object') {
    copy.additionalProperties = adapt(schema.additionalProperties, options);
  }
  return copy;
}
