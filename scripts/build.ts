/**
 * Builds what the container image runs (`npm run build`, the Dockerfile, the bench and the tests' image all use this):
 * `bin/kubeoidc.ts` and everything it imports bundled by esbuild into `dist/bin/kubeoidc.js` plus a few chunks under
 * `dist/chunks/`, instead of one compiled file per source file. Why: Node keeps every loaded module's compiled
 * wrapper, namespace and source text; the provider loaded ≈ 750 modules (its own and express's, ioredis's, pino's…
 * small CommonJS files). Bundled, the same code is a handful of modules: ≈ 5 MB less V8 heap and ≈ 4 MB less RSS right
 * after start, more after load (docs/performance.md, "Memory").
 *
 * - Each dynamic `import()` of the entry (provider, operator, the CLI commands) becomes its own chunk, and code
 *   shared by several of them a shared chunk: `kubeoidc provider` never loads operator code
 *   (`test/provider/module-graph.test.ts` checks the built entry).
 * - `@kubernetes/client-node` (the operator's client) stays an import from node_modules: the provider never loads it,
 *   and its own graph is not worth the risk of bundling. The image therefore still ships the production
 *   node_modules.
 * - Bundled CommonJS packages `require()` Node's built-ins: ESM output has no `require`, so each chunk makes one
 *   with `createRequire` (banner).
 * - Not minified: stack traces in logs keep the source's names and a readable line; source maps (`*.js.map`) are
 *   written beside the chunks for `node --enable-source-maps` when a trace must be mapped to the TypeScript file.
 * - No type check here: `npm run typecheck` (tsc) does that.
 *
 *   node scripts/build.ts                 # into dist/
 *   node scripts/build.ts --outdir DIR    # elsewhere (tests, bench)
 */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type Metafile } from 'esbuild';

const root = resolve(import.meta.dirname, '..');

/** The image's entry, relative to the output folder (the Dockerfile's ENTRYPOINT runs `/app/dist/bin/kubeoidc.js`). */
export const builtEntry = 'bin/kubeoidc.js';

/** Builds into `outDir` (emptied first); answers esbuild's metafile (which source files each output holds). */
export async function buildDist(outDir: string): Promise<Metafile> {
  await rm(outDir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['bin/kubeoidc.ts'],
    entryNames: 'bin/[name]',
    chunkNames: 'chunks/[name]-[hash]',
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    external: ['@kubernetes/client-node'],
    banner: {
      js: 'import { createRequire as __kubeoidcCreateRequire } from "node:module"; const require = __kubeoidcCreateRequire(import.meta.url);',
    },
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  });
  return result.metafile;
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' } } });
  await buildDist(resolve(values.outdir));
}
