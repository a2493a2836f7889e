/**
 * Provider addresses for an operator running outside the cluster (`npm run operator` against a kubeconfig): there a
 * provider's Service name (`<name>.<namespace>.svc`) does not resolve, so without a mapping such an operator could
 * never register an OIDCClient. Two settings map providers to an address the operator can reach (a
 * `kubectl port-forward`, a NodePort, an Ingress path):
 *
 * - `urls` (`KUBEOIDC_OPERATOR_PROVIDER_URLS`): comma-separated `<namespace>/<name>=<base URL>` entries, one provider
 *   each;
 * - `template` (`KUBEOIDC_OPERATOR_PROVIDER_URL_TEMPLATE`): a base URL for every other provider, in which `{name}`,
 *   `{namespace}` and `{port}` (the provider's Service port) are replaced.
 *
 * A provider matched by neither is reached at its Service, as in a cluster. Settings are checked once, at start: a
 * malformed entry, an unknown placeholder or a URL that is not http(s) fails the start with a message naming it.
 */
import { OIDC_PROVIDER_DEFAULTS, type OIDCProvider } from '../kube/crds.ts';
import { serviceUrl, type ProviderUrlResolver } from './provider-target.ts';

/** The two settings, as their environment variables hold them (unset or empty: not used). */
export interface ProviderUrlSettings {
  readonly urls?: string | undefined;
  readonly template?: string | undefined;
}

/** Names of the settings in errors (the environment variables of `operator/main.ts`). */
const URLS = 'KUBEOIDC_OPERATOR_PROVIDER_URLS';
const TEMPLATE = 'KUBEOIDC_OPERATOR_PROVIDER_URL_TEMPLATE';
const PLACEHOLDERS = ['name', 'namespace', 'port'] as const;

/** A base URL the operator can send registration requests to: http(s), no credentials, query or fragment. */
function checkBaseUrl(text: string, setting: string): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${setting}: "${text}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${setting}: "${text}" is not an http or https URL`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new Error(`${setting}: "${text}" must not carry credentials, a query or a fragment`);
  }
}

/** Parses `<namespace>/<name>=<url>,…` into a map keyed `<namespace>/<name>`. */
function parseUrls(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of text.split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const match = /^([a-z0-9][a-z0-9.-]*)\/([a-z0-9][a-z0-9.-]*)=(.+)$/.exec(entry);
    if (match === null) {
      throw new Error(`${URLS}: "${entry}" is not <namespace>/<name>=<url>`);
    }
    const [, namespace, name, url] = match as unknown as [string, string, string, string];
    checkBaseUrl(url, `${URLS} (${namespace}/${name})`);
    if (map.has(`${namespace}/${name}`)) throw new Error(`${URLS}: ${namespace}/${name} is listed twice`);
    map.set(`${namespace}/${name}`, url);
  }
  return map;
}

function fillTemplate(template: string, values: Record<(typeof PLACEHOLDERS)[number], string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key as keyof typeof values]);
}

/** Checks the template: only known placeholders, and a valid base URL once they are filled in. */
function checkTemplate(template: string): void {
  for (const [, key] of template.matchAll(/\{(\w*)\}/g)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(key)) {
      throw new Error(`${TEMPLATE}: unknown placeholder {${key}} (known: {name}, {namespace}, {port})`);
    }
  }
  checkBaseUrl(fillTemplate(template, { name: 'provider', namespace: 'default', port: '80' }), TEMPLATE);
}

/**
 * The resolver the settings describe: a listed provider's URL, else the filled-in template, else the in-cluster
 * Service. Throws when a setting is malformed.
 */
export function providerUrlResolver(settings: ProviderUrlSettings): ProviderUrlResolver {
  const urls = parseUrls(settings.urls ?? '');
  const template = settings.template === undefined || settings.template === '' ? undefined : settings.template;
  if (template !== undefined) checkTemplate(template);
  if (urls.size === 0 && template === undefined) return serviceUrl;
  return (provider: OIDCProvider) => {
    const name = provider.metadata.name ?? '';
    const namespace = provider.metadata.namespace ?? 'default';
    const listed = urls.get(`${namespace}/${name}`);
    if (listed !== undefined) return listed;
    if (template === undefined) return serviceUrl(provider);
    const port = String(provider.spec.service?.port ?? OIDC_PROVIDER_DEFAULTS.servicePort);
    return fillTemplate(template, { name, namespace, port });
  };
}
