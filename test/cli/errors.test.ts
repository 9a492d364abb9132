// Issue 13: every user error of every command is one clear line with no JavaScript stack trace.
// Replays rows D6, D10 and D11 of the table, then sweeps every command with bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { joinNegativeValues, main, reportError } from '../../lib/cli';
import { UsageError } from '../../lib/cli/command';
import { COMMANDS } from '../../lib/cli/commands';
import { ConfigError } from '../../lib/models/toolkit';
import { DataError, ValidationError } from '../../lib/util/errors';

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Run the CLI in a child process (as test/helpers/cli.ts, but async so cases run side by side). */
function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'lib/cli.ts', ...args], { env: { ...process.env, LSRM_BACKEND: 'cpu', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (err += b));
    child.on('close', (code) => done({ code: code ?? 1, out, err }));
  });
}

/**
 * Run the CLI's main() in this process, stderr captured: the same dispatcher and error report as
 * the real process, without a child's startup (the sweeps below run dozens of cases). stdout is
 * left alone: the test runner reports through it.
 */
async function inProcess(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const saved = { LSRM_BACKEND: process.env.LSRM_BACKEND, LSRM_DEBUG: process.env.LSRM_DEBUG, ...Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]])) };
  Object.assign(process.env, { LSRM_BACKEND: 'cpu', ...env });
  delete process.env.LSRM_DEBUG;
  let err = '';
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((err += String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await main([...args]);
    return { code, out: '', err };
  } finally {
    process.stderr.write = write;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Run cases at most `width` at a time, results in order. */
async function pool<T, R>(items: readonly T[], width: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const k = next++;
      results[k] = await fn(items[k]);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

const STACK_LINE = /^\s+at .+\(.*:\d+:\d+\)$/m;

/** A user error: the exit code, the message, no stack trace, not called internal. */
function assertUserError(r: Run, code: 1 | 2, message: RegExp, what: string): void {
  assert.equal(r.code, code, `${what}: exit ${r.code}\n${r.err}`);
  assert.match(r.err, message, what);
  assert.doesNotMatch(r.err, STACK_LINE, `${what}: stack trace\n${r.err}`);
  assert.ok(!r.err.includes('node:internal'), `${what}: node:internal\n${r.err}`);
  assert.ok(!r.err.includes('internal error'), `${what}: reported as a bug\n${r.err}`);
  assert.ok(r.err.split('\n')[0].length < 600, `${what}: first line of ${r.err.split('\n')[0].length} chars`);
}

const tmp = mkdtempSync(join(tmpdir(), 'lsrm-errors-'));
const file = (name: string, text: string | Buffer): string => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};

/** 30 users x 5 events over 8 items (every user has test targets), one malformed line at `bad`. */
function goodData(bad?: number): string {
  const lines: string[] = [];
  for (let u = 0; u < 30; u++) for (let j = 0; j < 5; j++) lines.push(`${u + 1}\t${((u + j * 3) % 8) + 1}\t5\t${1000 + j}`);
  if (bad !== undefined) lines.splice(bad - 1, 0, '7\t3\t5');
  return lines.join('\n') + '\n';
}

const fewEvents = file('few.inter', 'user_id:token\titem_id:token\ttimestamp:float\nu1\ta\t1\nu1\tb\t2\nu2\ta\t1\nu2\tc\t2\n');
const aFile = file('a-file', 'not a folder\n');
const binary = file('u.data', Buffer.from(Array.from({ length: 6400 }, (_, k) => (k * 7919 + 13) % 256)));
const TINY = ['--layers', '1', '--d-model', '8', '--heads', '1', '--max-len', '5', '--batch-size', '16', '--epochs', '1'];

test('D6: out-of-range training flags name the flag, value and range, before anything is written', async () => {
  const out = join(tmp, 'run-d6');
  const cases: [string[], RegExp][] = [
    [['--heads', '3', '--d-model', '16'], /^lsrm train: --heads must be a divisor of --d-model 16 \(one of 1, 2, 4, 8, 16\), got 3\n$/m],
    [['--batch-size', '0'], /^lsrm train: --batch-size must be a positive integer, got 0\n$/m],
    [['--epochs', '0'], /^lsrm train: --epochs must be a positive integer, got 0\n$/m],
    [['--lr', '0'], /^lsrm train: --lr must be a positive number, got 0\n$/m],
    [['--lr', '-1e-3'], /--lr must be a positive number, got -1e-3/],
    [['--max-epochs', '0'], /--max-epochs must be a positive integer, got 0/],
    [['--patience', '0'], /--patience must be a positive integer, got 0/],
    [['--warmup-epochs', '-1'], /--warmup-epochs must be a number >= 0, got -1/],
    [['--seed', '-1'], /--seed must be an integer in \[0, 4294967295\], got -1/],
    [['--seed', '1.5'], /--seed must be an integer in \[0, 4294967295\], got 1.5/],
    [['--layers', '0'], /--layers must be a positive integer, got 0/],
    [['--d-model', 'wide'], /--d-model must be a positive integer, got 'wide'/],
    [['--max-len', '0'], /--max-len must be a positive integer, got 0/],
    [['--core', '-2'], /--core must be an integer >= 0, got -2/],
    [['--model', 'bert'], /--model must be one of lsrm, gru4rec, fmlp, caser, hstu, fuxi, llama, got 'bert'/],
    [['--select', 'HR@10'], /--select must be one of loss, NDCG@10, got 'HR@10'/],
  ];
  for (const [flags, message] of cases) assertUserError(await inProcess(['train', '--source', 'synthetic:smoke', '--out', out, ...flags]), 2, message, flags.join(' '));
  assert.equal(existsSync(out), false, 'nothing written');
  // The same in a real process: one line, exit 2.
  const r = await cli(['train', '--source', 'synthetic:smoke', '--out', out, '--heads', '3', '--d-model', '16']);
  assertUserError(r, 2, cases[0][1], 'child process');
  assert.equal(r.out, '');
});

test('D6: --core 1000 says the k-core keeps no user, with the counts and the largest core that works', async () => {
  const out = join(tmp, 'run-core');
  const r = await cli(['train', '--source', 'synthetic:smoke', '--core', '1000', '--out', out]);
  assertUserError(r, 1, /^lsrm train: a k-core of 1000 leaves no users: of 300 users, 200 items and \d+ interactions, no user keeps 1000 interactions .*the most active user has \d+\)\. Fix: use a core of at most \d+, the largest that keeps any user, or 0 for no filtering\.\n/m, '--core 1000');
  assert.equal(existsSync(out), false);
  // lsrm data says the same.
  assertUserError(await cli(['data', '--source', 'synthetic:smoke', '--core', '1000']), 1, /a k-core of 1000 leaves no users/, 'data --core 1000');
});

test('D6: --out at a file is refused before any work', async () => {
  const r = await inProcess(['train', '--source', 'synthetic:smoke', '--out', aFile]);
  assertUserError(r, 2, /--out must be a folder \(or a path where one can be made\), not a file, got '.*a-file'/, '--out file');
  assertUserError(await inProcess(['train', '--source', 'synthetic:smoke', '--out', join(aFile, 'run')]), 2, /--out must be a path whose parents are folders/, '--out under a file');
  assert.equal(readFileSync(aFile, 'utf8'), 'not a folder\n');
});

test('D6: data with no test users fails before training, with the reason and the fix, the same on a rerun', async () => {
  const out = join(tmp, 'run-no-test');
  for (const attempt of ['first', 'rerun']) {
    const t0 = Date.now();
    const run = attempt === 'first' ? cli : inProcess;
    const r = await run(['train', '--source', `atomic:${fewEvents}`, '--out', out, ...TINY]);
    assertUserError(r, 1, /^lsrm train: no test users after preprocessing \(core 0\), so no model can be trained and evaluated: every one of the 2 users has fewer than 3 interactions \(the longest has 2\); leave-one-out needs 3 per user.*\. Fix: use data where users have at least 3 interactions each/m, attempt);
    assert.doesNotMatch(r.err, /epoch 1/, 'no training');
    assert.equal(existsSync(out), false, `${attempt}: no run folder`);
    assert.ok(Date.now() - t0 < 30_000);
  }
  const data = await cli(['data', '--source', `atomic:${fewEvents}`]);
  assert.equal(data.code, 0, 'lsrm data still prints the statistics');
  assert.match(data.err, /warning: no test users, so no model can be trained or evaluated on this data: every one of the 2 users/);
});

test('D10: the --lenient a loader error suggests exists on lsrm data, train and eval, and works', async () => {
  const data = file('lenient.data', goodData(4));
  const out = join(tmp, 'run-lenient');
  const strict = await cli(['train', '--source', `movielens:${data}`, '--out', out, ...TINY]);
  assertUserError(strict, 1, /lenient\.data:4: expected 4 fields separated by tabs, found 3 fields\. Fix: .*--lenient \(lsrm data, train and eval\)/, 'strict train');
  assert.equal(existsSync(out), false);
  const lenient = await cli(['train', '--source', `movielens:${data}`, '--out', out, '--lenient', ...TINY]);
  assert.equal(lenient.code, 0, lenient.err);
  assert.match(lenient.err, /train: skipped 1 malformed rows \(--lenient\)/);
  assertUserError(await cli(['eval', '--run', out]), 1, /lenient\.data:4: .*--lenient/, 'strict eval');
  const ev = await cli(['eval', '--run', out, '--lenient', '--json']);
  assert.equal(ev.code, 0, ev.err);
  assert.equal(JSON.parse(ev.out).numUsers, 30);
  assert.equal((await cli(['data', '--source', `movielens:${data}`, '--lenient'])).code, 0);
});

test('D10: every flag a data message suggests exists on the commands that can print it', () => {
  const has = (cmd: string, flag: string) => flag in (COMMANDS.find((c) => c.name === cmd)?.options ?? {});
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.ts')) files.push(join(dir, e.name));
    }
  };
  walk('lib/data');
  let seen = 0;
  for (const path of files) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (/^\s*(\/\/|\*|\/\*)/.test(line)) continue;
      for (const m of line.matchAll(/--([a-z][a-z-]+)/g)) {
        seen++;
        const named = line.slice(0, m.index).match(/lsrm (\w+)(?: [^`'"]*)? $/);
        if (named) assert.ok(has(named[1], m[1]), `${path}: lsrm ${named[1]} has no --${m[1]}`);
        else for (const cmd of ['data', 'train', 'eval']) assert.ok(has(cmd, m[1]), `${path}: --${m[1]} is suggested but lsrm ${cmd} lacks it:\n${line.trim()}`);
      }
    }
  }
  assert.ok(seen >= 2, 'the loaders suggest --lenient and lsrm data --dataset');
  for (const cmd of ['train', 'eval']) assert.ok(has(cmd, 'allow-data-change'), `lsrm ${cmd} --allow-data-change`);
});

test('D11: a binary file as data: what it looks like and what was expected, no bytes echoed', async () => {
  for (const args of [['train', '--source', `movielens:${binary}`, '--out', join(tmp, 'run-bin')], ['data', '--source', `movielens:${binary}`]]) {
    const r = await (args[0] === 'train' ? cli : inProcess)(args);
    assertUserError(r, 1, /u\.data: looks like a binary file \(NUL bytes in the first 1024 bytes\); expected a text file with rows like user<TAB>item<TAB>rating<TAB>timestamp \(MovieLens u\.data\)\. Fix: /, args[0]);
    assert.ok(r.err.length < 400, `${r.err.length} chars on stderr`);
  }
});

test('every command: bad input exits 1 or 2 with a message naming the option, never a stack trace', async () => {
  const cases: [string[], 1 | 2, RegExp, NodeJS.ProcessEnv?][] = [
    ...COMMANDS.map((c): [string[], 1 | 2, RegExp] => [[c.name, '--no-such-flag'], 2, /Unknown option '--no-such-flag'/]),
    [['nope'], 2, /unknown command 'nope'/],
    [['data'], 2, /missing --source/],
    [['data', '--source', 'synthetic:smoke', '--core', '-1'], 2, /--core must be an integer >= 0, got -1/],
    [['data', '--source', 'synthetic:smoke', '--duplicates', 'last'], 2, /--duplicates must be one of first, keep, got 'last'/],
    [['data', '--source', 'nope:x'], 1, /unknown source "nope:x"/],
    [['data', '--source', `atomic:${join(tmp, 'missing.inter')}`], 1, /atomic \.inter file not found/],
    [['data', '--source', 'synthetic:smoke', '--json=yes'], 2, /--json/],
    [['eval'], 2, /--run DIR is required/],
    [['eval', '--run', join(tmp, 'missing-run')], 1, /missing-run/],
    [['eval', '--run', 'r', '--split', 'train'], 2, /--split must be one of test, valid, got 'train'/],
    [['eval', '--run', 'r', '--batch-size', '0'], 2, /--batch-size must be a positive integer, got 0/],
    [['eval', '--run', 'r', '--topk-out', join(tmp, 'no-dir', 'top.jsonl')], 2, /--topk-out must be a path in an existing folder/],
    [['eval', '--run', 'r', '--topk-out', tmp], 2, /--topk-out must be a file path, not a folder/],
    [['train', '--source', 'synthetic:smoke'], 2, /--out DIR is required/],
    [['train', '--out', join(tmp, 'x')], 2, /give exactly one of --source or --dataset/],
    [['train', '--source', 'nope:x', '--out', join(tmp, 'run-nope')], 1, /unknown source "nope:x"/],
    [['train', '--source', 'synthetic:smoke', '--out'], 2, /argument missing/],
    [['params', '--layers', '2'], 2, /--layers and --d-model are required/],
    [['params', '--layers', '2', '--d-model', '64', '--items', '0'], 2, /--items must be a positive integer, got 0/],
    [['params', '--layers', '2', '--d-model', '64', '--max-len', '-5'], 2, /--max-len must be a positive integer, got -5/],
    [['bench'], 2, /which benchmark\?/],
    [['bench', 'train', '--backend', 'gpu'], 2, /--backend must be one of tensorflow, wasm, cpu, got 'gpu'/],
    [['bench', 'train', '--batch', '0'], 2, /--batch must be a positive integer, got 0/],
    [['bench', 'data', '--core', '-3'], 2, /--core must be an integer >= 0, got -3/],
    [['figures', '--scale', 'huge'], 2, /unknown scale 'huge'/],
    [['figures', '--only', 'fig-99', '--list'], 2, /unknown figure 'fig-99'/],
    [['reproduce', '--scale', 'huge'], 2, /unknown scale 'huge'/],
    [['reproduce', '--only', 'table-5-overall'], 2, /not made by reproduce: table-5-overall/],
    [['kernel', '--dir', join(aFile, 'jupyter')], 1, /ENOTDIR|EEXIST|not a directory/],
    [['params', '--layers', '2', '--d-model', '64'], 2, /^lsrm params: LSRM_BACKEND must be one of tensorflow, wasm, cpu, got 'gpu'\n$/, { LSRM_BACKEND: 'gpu' }],
  ];
  for (const [args, code, message, env] of cases) assertUserError(await inProcess(args, env), code, message, args.join(' '));
  // A few in real processes: the exit code and stderr the shell sees.
  const children = cases.filter(([args]) => ['nope', 'kernel', 'sweep', 'runs'].includes(args[0]) || args.includes('--topk-out'));
  const runs = await pool(children, 3, ([args, , , env]) => cli(args, env));
  runs.forEach((r, k) => assertUserError(r, children[k][1], children[k][2], `child: ${children[k][0].join(' ')}`));
});

test('LSRM_DEBUG=1 adds the stack trace to the one-line message', async () => {
  const r = await cli(['train', '--source', 'synthetic:smoke', '--out', join(tmp, 'dbg'), '--batch-size', '0'], { LSRM_DEBUG: '1' });
  assert.equal(r.code, 2);
  assert.match(r.err, /^lsrm train: --batch-size must be a positive integer, got 0\nValidationError: /);
  assert.match(r.err, STACK_LINE);
});

test('reportError: exit code and wording by kind of error', () => {
  const lines: string[] = [];
  const report = (e: unknown, usage?: string) => reportError(e, 'lsrm x', usage, (s) => void lines.push(s));
  const env = process.env.LSRM_DEBUG;
  delete process.env.LSRM_DEBUG;
  try {
    assert.equal(report(new UsageError('--out DIR is required'), 'usage: lsrm x'), 2);
    assert.equal(lines.pop(), 'lsrm x: --out DIR is required\n\nusage: lsrm x\n');
    assert.equal(report(new ValidationError('--lr', '0', 'a positive number')), 2);
    assert.equal(lines.pop(), 'lsrm x: --lr must be a positive number, got 0\n');
    assert.equal(report(new ConfigError('lsrm', 'numHeads', 3, 'a divisor of dim (16)')), 2);
    assert.equal(lines.pop(), 'lsrm x: lsrm config: numHeads must be a divisor of dim (16), got 3\n');
    assert.equal(report(new DataError('bad row. Fix: delete it', 'f.csv', 3)), 1);
    assert.equal(lines.pop(), 'lsrm x: f.csv:3: bad row. Fix: delete it\n');
    const sys = Object.assign(new Error("EACCES: permission denied, open '/x'"), { code: 'EACCES', syscall: 'open' });
    assert.equal(report(sys), 1);
    assert.equal(lines.pop(), "lsrm x: EACCES: permission denied, open '/x'\n");
    assert.equal(report(new TypeError('x is undefined')), 1);
    assert.equal(lines.pop(), 'lsrm x: internal error: x is undefined (set LSRM_DEBUG=1 for the stack trace; please report it)\n');
    assert.equal(report('a string'), 1);
    assert.match(lines.pop()!, /internal error: a string/);
  } finally {
    if (env !== undefined) process.env.LSRM_DEBUG = env;
  }
});

test('joinNegativeValues: a negative number after a value flag is its value', () => {
  const options = { seed: { type: 'string' as const }, json: { type: 'boolean' as const } };
  assert.deepEqual(joinNegativeValues(['--seed', '-1', '--json'], options), ['--seed=-1', '--json']);
  assert.deepEqual(joinNegativeValues(['--seed', '-.5'], options), ['--seed=-.5']);
  assert.deepEqual(joinNegativeValues(['--seed', '--json'], options), ['--seed', '--json']);
  assert.deepEqual(joinNegativeValues(['--json', '-1'], options), ['--json', '-1']);
});
