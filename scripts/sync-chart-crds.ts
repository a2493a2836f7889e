/**
 * Copies the CustomResourceDefinitions from crds/ (the single source of truth) into charts/kubeoidc/crds/, where Helm
 * installs them before the chart's templates. Samples stay out. `test/charts/crds.test.ts` fails when the copies
 * differ.
 *
 *   node scripts/sync-chart-crds.ts           # copy (and remove CRDs that no longer exist in crds/)
 *   node scripts/sync-chart-crds.ts --check   # exit 1 if the chart's copies differ
 */
import { copyFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's crds/ folder. */
export const SOURCE_DIR = fileURLToPath(new URL('../crds/', import.meta.url));
/** The chart's crds/ folder. */
export const CHART_CRDS_DIR = fileURLToPath(new URL('../charts/kubeoidc/crds/', import.meta.url));

/** CRD file names (`*.yaml`) in a folder, sorted. */
export function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort();
}

/** What differs between crds/ and the chart's copies (empty when in sync). */
export function crdDifferences(): string[] {
  const source = yamlFiles(SOURCE_DIR);
  const chart = yamlFiles(CHART_CRDS_DIR);
  const problems: string[] = [];
  for (const name of source) {
    if (!chart.includes(name)) problems.push(`missing in the chart: ${name}`);
    else if (!readFileSync(join(SOURCE_DIR, name)).equals(readFileSync(join(CHART_CRDS_DIR, name))))
      problems.push(`differs: ${name}`);
  }
  for (const name of chart) if (!source.includes(name)) problems.push(`not in crds/: ${name}`);
  return problems;
}

if (import.meta.main) {
  if (process.argv.includes('--check')) {
    const problems = crdDifferences();
    if (problems.length > 0) {
      process.stderr.write(
        `charts/kubeoidc/crds is stale (${problems.join('; ')}): run node scripts/sync-chart-crds.ts\n`,
      );
      process.exit(1);
    }
  } else {
    const source = yamlFiles(SOURCE_DIR);
    for (const name of yamlFiles(CHART_CRDS_DIR)) if (!source.includes(name)) rmSync(join(CHART_CRDS_DIR, name));
    for (const name of source) copyFileSync(join(SOURCE_DIR, name), join(CHART_CRDS_DIR, name));
    process.stdout.write(`copied ${source.join(', ')} to ${CHART_CRDS_DIR}\n`);
  }
}
