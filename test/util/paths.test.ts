import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { figuresDir, projectDataDir, projectRoot, runsDir, userDataDir } from '../../lib/util/paths';

const root = resolve(__dirname, '..', '..');

test('project folders are found from the module, not the working folder', () => {
  assert.equal(projectRoot(), root);
  assert.equal(projectDataDir(), join(root, 'data'));
  assert.equal(runsDir({}), join(root, 'runs'));
  assert.equal(figuresDir({}), join(root, 'figures'));
});

test('userDataDir: LSRM_DATA_DIR, a relative value taken from the project root; unset or blank = none', () => {
  assert.equal(userDataDir({}), undefined);
  assert.equal(userDataDir({ LSRM_DATA_DIR: '  ' }), undefined);
  assert.equal(userDataDir({ LSRM_DATA_DIR: '/abs/data' }), '/abs/data');
  // The same folder for the CLI (run from the root) and a notebook (run from notebooks/).
  assert.equal(userDataDir({ LSRM_DATA_DIR: '../shared/data' }), resolve(root, '..', 'shared', 'data'));
});
