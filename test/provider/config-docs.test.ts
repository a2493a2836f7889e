import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { it } from 'node:test';
import { envOptions } from '../../provider/config/env.ts';
import { configSchema } from '../../provider/config/schema.ts';

it('docs/configuration.md documents every option and environment variable', async () => {
  const doc = await readFile(resolve(import.meta.dirname, '../../docs/configuration.md'), 'utf8');
  for (const option of Object.keys(configSchema.properties)) assert.match(doc, new RegExp(`\`${option}[.\`]`), option);
  for (const ttl of Object.keys(configSchema.properties.ttl.properties)) assert.ok(doc.includes(`\`ttl.${ttl}\``), ttl);
  for (const feature of Object.keys(configSchema.properties.features.properties)) {
    assert.ok(doc.includes(`\`features.${feature}\``), feature);
  }
  for (const variable of envOptions) assert.ok(doc.includes(`\`${variable.name}\``), variable.name);
});
