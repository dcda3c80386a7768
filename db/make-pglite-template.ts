// npm run db:template: remakes db/pglite-template.tar.br after an upgrade of @electric-sql/pglite.
import { statSync } from 'node:fs';
import { makeTemplate, TEMPLATE_FILE } from './pglite-template.ts';

const info = await makeTemplate();
console.log(`made ${TEMPLATE_FILE} for PGlite ${info.pglite}: ${statSync(TEMPLATE_FILE).size} bytes (${info.bytes} unpacked)`);
