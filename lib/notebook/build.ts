/**
 * Which build a notebook runs. Notebooks import the compiled package (dist/, tslab issue #63),
 * so a stale dist/ silently runs old code: buildStamp() names the dist a notebook loaded,
 * and staleSources() lists lib/ files changed after the last build.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** What a notebook prints to show which build it runs. */
export interface BuildStamp {
  readonly version: string;
  /** Absolute folder of the compiled module that answered (…/dist/notebook). */
  readonly moduleDir: string;
  /** Modification time of this compiled file, i.e. when `tsc` last wrote the build. */
  readonly builtAt: string;
}

/** The stamp of the build this code was loaded from. */
export function buildStamp(): BuildStamp {
  const version = (require('../../package.json') as { version: string }).version;
  return { version, moduleDir: __dirname, builtAt: statSync(__filename).mtime.toISOString() };
}

/**
 * One line for a notebook's first cell, naming the build folder relative to `from`:
 * 'lsrm-lab 0.1.0, build of 2026-01-01T00:00:00.000Z (../dist)' from notebooks/.
 */
export function buildStampLine(from: string = process.cwd()): string {
  const s = buildStamp();
  return `lsrm-lab ${s.version}, build of ${s.builtAt} (${relative(from, dirname(s.moduleDir)) || '.'})`;
}

function newestMtime(dir: string, ext: string): { path: string; mtimeMs: number } | undefined {
  let best: { path: string; mtimeMs: number } | undefined;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    const cand = e.isDirectory() ? newestMtime(p, ext) : e.name.endsWith(ext) ? { path: p, mtimeMs: statSync(p).mtimeMs } : undefined;
    if (cand && (!best || cand.mtimeMs > best.mtimeMs)) best = cand;
  }
  return best;
}

/**
 * The newest lib/**\/*.ts file when it is newer than dist/index.js (the build is stale), or
 * a message when there is no build; undefined when the build is current.
 */
export function staleBuild(root: string): string | undefined {
  let built: number;
  try {
    built = statSync(join(root, 'dist', 'index.js')).mtimeMs;
  } catch {
    return 'dist/index.js is missing: run `npm run build`';
  }
  const newest = newestMtime(join(root, 'lib'), '.ts');
  if (newest && newest.mtimeMs > built) return `${newest.path} is newer than dist/: run \`npm run build\``;
  return undefined;
}
