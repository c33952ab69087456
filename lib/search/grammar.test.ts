import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { GRAMMAR } from './grammar';

it('the README shows the grammar exactly as the search help does', () => {
  const readme = readFileSync(path.join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
  expect(readme).toContain(`\`\`\`\n${GRAMMAR.trimEnd()}\n\`\`\``);
});
