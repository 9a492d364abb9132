/**
 * Fault injection for the reliability tests (test/runs/reliability.test.ts), preloaded into a
 * child process with `node -r ./test/helpers/inject.cjs`. LSRM_INJECT holds one or more rules,
 * separated by ';':
 *
 *   <action>-<when>-<op>:<regex>[@<n>]
 *     action  kill: SIGKILL this process (kill -9: no exit handler runs, no lock is released)
 *             wait: block (as a very slow disk would) until the file LSRM_INJECT_RELEASE exists
 *     when    before | after
 *     op      write: fs.writeFileSync (matched on the path written)
 *             rename: fs.renameSync (matched on the destination)
 *     regex   tested against the path, with '/' separators
 *     n       fire at the n-th matching call (default 1)
 *
 * e.g. 'kill-after-rename:/last$@5' kills right after the fifth swap of last/ is complete.
 * Each firing first writes `inject: <rule> <path>` to stderr (fd 2, synchronously), so the test
 * can see where the process stopped.
 */
'use strict';
const fs = require('node:fs');
const { syncBuiltinESMExports } = require('node:module');

const RULE = /^(kill|wait)-(before|after)-(write|rename):(.+?)(?:@(\d+))?$/;
const rules = (process.env.LSRM_INJECT || '').split(';').filter(Boolean).map((text) => {
  const m = RULE.exec(text);
  if (!m) throw new Error(`LSRM_INJECT: cannot read rule '${text}' (expected <kill|wait>-<before|after>-<write|rename>:<regex>[@n])`);
  return { text, action: m[1], when: m[2], op: m[3], re: new RegExp(m[4]), nth: Number(m[5] || 1), seen: 0 };
});

function fire(rule, path) {
  fs.writeSync(2, `inject: ${rule.text} ${path}\n`);
  if (rule.action === 'kill') process.kill(process.pid, 'SIGKILL');
  const release = process.env.LSRM_INJECT_RELEASE;
  if (!release) throw new Error('LSRM_INJECT: a wait rule needs LSRM_INJECT_RELEASE (a file path)');
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (!fs.existsSync(release)) Atomics.wait(pause, 0, 0, 20);
}

function check(op, when, path) {
  const p = String(path).split('\\').join('/');
  for (const r of rules) {
    if (r.op !== op || r.when !== when || !r.re.test(p)) continue;
    r.seen += 1;
    if (r.seen === r.nth) fire(r, p);
  }
}

function wrap(name, op, target) {
  const original = fs[name];
  fs[name] = function (...args) {
    const path = target(args);
    check(op, 'before', path);
    const out = original.apply(this, args);
    check(op, 'after', path);
    return out;
  };
}

if (rules.length > 0) {
  wrap('writeFileSync', 'write', (a) => a[0]);
  wrap('renameSync', 'rename', (a) => a[1]);
  syncBuiltinESMExports();
}
