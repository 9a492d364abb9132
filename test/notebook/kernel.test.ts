import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { installKernelSpec, kernelSpec, projectRoot } from '../../lib/notebook/kernel';

test('kernelSpec runs this Node on the checkout tslab with the connection file as its own argument', () => {
  const spec = kernelSpec();
  assert.equal(spec.argv[0], process.execPath);
  assert.ok(spec.argv[1].endsWith(join('node_modules', 'tslab', 'bin', 'tslab')), spec.argv[1]);
  assert.ok(existsSync(spec.argv[1]));
  assert.deepEqual(spec.argv.slice(2), ['kernel', '--config-path', '{connection_file}']);
  assert.equal(spec.language, 'typescript');
  assert.equal(kernelSpec('/opt/node').argv[0], '/opt/node');
});

test('installKernelSpec writes <dir>/kernels/tslab/kernel.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-kernel-'));
  const path = installKernelSpec(dir);
  assert.equal(path, join(dir, 'kernels', 'tslab', 'kernel.json'));
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), kernelSpec());
});

test('projectRoot finds the lsrm-lab package.json above a folder, or says there is none', () => {
  assert.equal(projectRoot(join(__dirname, 'deep', 'er')), resolve(__dirname, '..', '..'));
  assert.throws(() => projectRoot(tmpdir()), /no lsrm-lab package\.json above/);
});
