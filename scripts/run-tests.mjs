// Run every test/**/*.test.ts with Node's own test runner (tsx as the TypeScript loader).
// Node 20 has no glob support in `--test`, so the files are listed here.
// Extra arguments filter by substring: `node scripts/run-tests.mjs data/` runs test/data/*.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function listTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
const filters = process.argv.slice(2);
const files = listTests('test').filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  env: { ...process.env, LSRM_BACKEND: process.env.LSRM_BACKEND ?? 'cpu' },
});
process.exit(res.status ?? 1);
