/**
 * Preloaded with `node --import` by tests that check which modules a process loads (e.g. the provider must never load
 * the operator's Kubernetes client). Records the URL of every module loaded through the module hooks (ESM and CommonJS)
 * and, at exit, writes them with the CommonJS cache's files, one per line, to the file named by
 * `KUBEOIDC_MODULE_RECORD`.
 */
import { writeFileSync } from 'node:fs';
import { createRequire, registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';

const loaded = new Set<string>();
registerHooks({
  load(url, context, nextLoad) {
    loaded.add(url);
    return nextLoad(url, context);
  },
});

const recordFile = process.env.KUBEOIDC_MODULE_RECORD;
if (recordFile) {
  process.on('exit', () => {
    for (const path of Object.keys(createRequire(import.meta.url).cache)) loaded.add(pathToFileURL(path).href);
    writeFileSync(recordFile, [...loaded].join('\n'));
  });
}
