// node --test runs each test file in a child process whose results travel to the parent as
// frames on the child's stdout. A test that replaces process.stdout.write across an await
// swallows the frames flushed meanwhile: the tests run, but their verdicts vanish from the
// count CI reads (test/cli/reproduce.test.ts lost 3 of its 5 this way until 2026-12-02).
// Commands take an output function instead (e.g. runReproduce); this test keeps it so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const TEST = resolve(__dirname);

function listTs(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? listTs(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Lines (1-based) of `src` that assign to process.stdout.write or process.stdout itself. */
export function stdoutReplacements(src: string): number[] {
  return src.split('\n').flatMap((line, i) => (/process\.stdout(\.write)?\s*=(?!=)/.test(line.replace(/\/\/.*$/, '')) ? [i + 1] : []));
}

test('stdoutReplacements finds assignments, not reads or comparisons', () => {
  assert.deepEqual(stdoutReplacements("const w = process.stdout.write.bind(process.stdout);\nprocess.stdout.write = (() => true) as any;\nif (process.stdout.write === w) x();\n// process.stdout.write = y"), [2]);
  assert.deepEqual(stdoutReplacements('Object.assign(a, b);\n  process.stdout.write  = f;'), [2]);
});

test('no test replaces process.stdout.write (it carries the test runner\'s result frames)', () => {
  const bad = listTs(TEST).filter((f) => f !== __filename).flatMap((f) => stdoutReplacements(readFileSync(f, 'utf8')).map((n) => `${relative(TEST, f)}:${n}`));
  assert.deepEqual(bad, [], 'pass the command an output function instead (see runReproduce in lib/cli/reproduce.ts)');
});
