/**
 * Preloaded with `node --import` by tests that check which modules a process loads (e.g. the provider must never load
 * the operator's Kubernetes client). Records the URL of every module loaded through the module hooks (ESM and CommonJS)
 * and, at exit, writes them with the CommonJS cache's files and Node's own internal modules loaded so far (as
 * `node:internal/…`, from `process.moduleLoadList`, e.g. `node:internal/deps/undici/undici`), one per line, to the file
 * named by `KUBEOIDC_MODULE_RECORD`.
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
    // Not in @types/node, but part of Node's process object since its first releases.
    for (const entry of (process as unknown as { moduleLoadList: readonly string[] }).moduleLoadList) {
      const internal = /^NativeModule (internal\/.+)$/.exec(entry)?.[1];
      if (internal !== undefined) loaded.add(`node:${internal}`);
    }
    writeFileSync(recordFile, [...loaded].join('\n'));
  });
}
