import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { projectRoot } from '../util/package-info.js';
import { exportJsonSchemaText } from './schema.js';

// `npm run build && npm run export-schema`: regenerates schema/export.schema.json from the zod schema
// in src/export/schema.ts. A unit test fails when the committed file and the schema differ.

const path = join(projectRoot(), 'schema', 'export.schema.json');
mkdirSync(dirname(path), { recursive: true });
writeFileSync(path, exportJsonSchemaText());
process.stdout.write(`wrote ${path}\n`);
