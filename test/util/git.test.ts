import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitCommit } from '../../lib/util/git';

test('gitCommit: a 40-hex commit in the project (or unknown without git); unknown outside a checkout', () => {
  assert.match(gitCommit(), /^([0-9a-f]{40}|unknown)$/);
  assert.equal(gitCommit(mkdtempSync(join(tmpdir(), 'lsrm-git-'))), 'unknown');
});
