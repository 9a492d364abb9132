import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildStamp, buildStampLine, staleBuild } from '../../lib/notebook/build';

test('buildStamp: package version, this module folder and its mtime', () => {
  const s = buildStamp();
  assert.equal(s.version, JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'package.json'), 'utf8')).version);
  assert.equal(s.moduleDir, resolve(__dirname, '..', '..', 'lib', 'notebook'));
  assert.equal(s.builtAt, statSync(join(s.moduleDir, 'build.ts')).mtime.toISOString());
  // from notebooks/, the build folder (parent of the module folder) is ../lib under tsx, ../dist when built
  assert.equal(buildStampLine(resolve(__dirname, '..', '..', 'notebooks')), `lsrm-lab ${s.version}, build of ${s.builtAt} (../lib)`);
});

test('staleBuild: missing dist, a lib file newer than dist, and a current build', () => {
  const root = mkdtempSync(join(tmpdir(), 'lsrm-stale-'));
  mkdirSync(join(root, 'lib', 'data'), { recursive: true });
  writeFileSync(join(root, 'lib', 'data', 'a.ts'), '');
  writeFileSync(join(root, 'lib', 'b.ts'), '');
  assert.equal(staleBuild(root), 'dist/index.js is missing: run `npm run build`');
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'dist', 'index.js'), '');
  const t = Date.now() / 1000;
  utimesSync(join(root, 'dist', 'index.js'), t - 100, t - 100);
  utimesSync(join(root, 'lib', 'b.ts'), t - 200, t - 200);
  utimesSync(join(root, 'lib', 'data', 'a.ts'), t - 50, t - 50);
  assert.equal(staleBuild(root), `${join(root, 'lib', 'data', 'a.ts')} is newer than dist/: run \`npm run build\``);
  utimesSync(join(root, 'lib', 'data', 'a.ts'), t - 150, t - 150);
  assert.equal(staleBuild(root), undefined);
});
