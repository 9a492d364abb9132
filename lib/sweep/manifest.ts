/**
 * The manifest of a sweep: the expanded runs written once to <store>/sweeps/<hash>.json, so a
 * worker (`lsrm sweep exec --manifest FILE --index I`, local child or Slurm array task) trains
 * run I without re-reading or re-expanding the spec. The hash covers the run keys, so the same
 * sweep always gets the same file.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeJsonAtomic } from '../util/atomic';
import { DataError } from '../util/errors';
import { configHash } from '../util/hash';
import type { SweepRun } from './spec';

/** <store>/sweeps/<hash>.json. */
export interface SweepManifest {
  readonly version: 1;
  /** The store the runs train into (absolute). */
  readonly store: string;
  readonly runs: readonly SweepRun[];
}

/** Where the manifest of these runs lives in `store`. */
export function manifestPath(store: string, runs: readonly SweepRun[]): string {
  return join(resolve(store), 'sweeps', `${configHash(runs.map((r) => r.key))}.json`);
}

/** Write the manifest of `runs` (atomically) and return its path. */
export function writeManifest(store: string, runs: readonly SweepRun[]): string {
  const path = manifestPath(store, runs);
  const manifest: SweepManifest = { version: 1, store: resolve(store), runs };
  writeJsonAtomic(path, manifest);
  return path;
}

/**
 * Read a manifest back.
 * @throws DataError naming the file when it is missing, not JSON or not a version-1 manifest.
 */
export function readManifest(path: string): SweepManifest {
  let m: Partial<SweepManifest>;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as Partial<SweepManifest>;
  } catch (err) {
    throw new DataError(`not a readable sweep manifest (${(err as Error).message}). Fix: write it again with \`lsrm sweep run SPEC\``, path);
  }
  if (m === null || typeof m !== 'object' || m.version !== 1 || typeof m.store !== 'string' || !Array.isArray(m.runs)) {
    throw new DataError('not a version-1 sweep manifest { version: 1, store, runs }. Fix: write it again with `lsrm sweep run SPEC`', path);
  }
  return m as SweepManifest;
}
