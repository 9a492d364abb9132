/**
 * The data fingerprint of a run (`<run>/data.json`): SHA-256 hashes of the prepared split the
 * model was trained on, so a run refuses to resume or be evaluated on data that changed since
 * (a source file edited, another k-core, a loader fix), unless told (`allowDataChange`).
 *
 * It hashes the split rather than the source files: the split is what training and evaluation
 * read, whatever the format, a dataset name's resolution or a download, so the check is exact
 * (an edit that leaves the split unchanged, such as reordered lines of equal timestamps, changes
 * no result and is not reported) and costs one pass over typed arrays.
 * Parts hashed: train (CSR offsets + items), valid and test targets, raw ids (users, items); these
 * four make `sha256`. The event times (train.times, validTime, testTime), which the time bias of
 * HSTU and FuXi-alpha reads, are a fifth part, `parts.times`, kept out of `sha256` so that the
 * records written before it still match: a change of times alone is reported when both records
 * have the part (records from before it are compared on the four parts only).
 *
 * data.json is kept outside config.json on purpose: config.json is the run's key in the store.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { countTargets } from '../data/split';
import type { LeaveOneOutSplit } from '../data/types';
import { writeJsonAtomic } from '../util/atomic';
import { DataError } from '../util/errors';
import { CorruptFileError, loadJson } from '../train/checkpoint';
import type { DataSpec } from './build';

export const DATA_FILE = 'data.json';
export const DATA_FORMAT = 'lsrm-data/1';

/** Counts and hashes of a prepared split. */
export interface DataFingerprint {
  /** SHA-256 over the part hashes: equal iff every part is equal. */
  readonly sha256: string;
  readonly numUsers: number;
  readonly numItems: number;
  readonly numTrainInteractions: number;
  readonly numValidTargets: number;
  readonly numTestTargets: number;
  readonly parts: { readonly train: string; readonly valid: string; readonly test: string; readonly ids: string; readonly times?: string };
}

/** A change of data accepted with allowDataChange, as recorded in data.json and result.json. */
export interface DataChange {
  readonly at: string;
  /** Epochs finished on the old data when the change was accepted (0 for an evaluation). */
  readonly epoch: number;
  readonly changes: readonly string[];
  readonly from: string;
  readonly to: string;
}

/** data.json. */
export interface DataRecord {
  readonly format: string;
  readonly data: DataSpec;
  readonly fingerprint: DataFingerprint;
  readonly recordedAt: string;
  readonly changes?: readonly DataChange[];
}

const bytesOf = (a: Int32Array | Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const hashOf = (...chunks: (string | Uint8Array)[]) => {
  const h = createHash('sha256');
  for (const c of chunks) h.update(c);
  return h.digest('hex');
};

/**
 * The fingerprint of a prepared split.
 * @example splitFingerprint(split).sha256 // '5f1c...' (64 hex digits)
 */
export function splitFingerprint(split: LeaveOneOutSplit): DataFingerprint {
  const parts = {
    train: hashOf(bytesOf(split.train.offsets), bytesOf(split.train.items)),
    valid: hashOf(bytesOf(split.valid)),
    test: hashOf(bytesOf(split.test)),
    ids: hashOf(JSON.stringify(split.vocab.userIds), '\n', JSON.stringify(split.vocab.itemIds)),
  };
  const held = (t: Float64Array | undefined, tag: string) => (t ? [tag, bytesOf(t)] : [tag]);
  const times = hashOf(bytesOf(split.train.times), ...held(split.validTime, 'valid'), ...held(split.testTime, 'test'));
  return {
    sha256: hashOf(parts.train, parts.valid, parts.test, parts.ids),
    numUsers: split.numUsers,
    numItems: split.numItems,
    numTrainInteractions: split.train.items.length,
    numValidTargets: countTargets(split.valid),
    numTestTargets: countTargets(split.test),
    parts: { ...parts, times },
  };
}

/**
 * What differs between two fingerprints, in words (empty when they are equal).
 * @example fingerprintChanges(a, b) // ['users 943 -> 940', 'training sequences (99,057 -> 98,911 interactions)']
 */
export function fingerprintChanges(saved: DataFingerprint, now: DataFingerprint): string[] {
  if (saved.sha256 === now.sha256) {
    const timesDiffer = saved.parts.times !== undefined && now.parts.times !== undefined && saved.parts.times !== now.parts.times;
    return timesDiffer ? ['event times (same interactions; the time bias of HSTU and FuXi-alpha reads them)'] : [];
  }
  const n = (x: number) => x.toLocaleString('en-US');
  const count = (label: string, a: number, b: number, unit: string) => (a !== b ? `${label} (${n(a)} -> ${n(b)} ${unit})` : `${label} (same count, different values)`);
  const out: string[] = [];
  if (saved.numUsers !== now.numUsers) out.push(`users ${n(saved.numUsers)} -> ${n(now.numUsers)}`);
  if (saved.numItems !== now.numItems) out.push(`items ${n(saved.numItems)} -> ${n(now.numItems)}`);
  if (saved.parts.train !== now.parts.train) out.push(count('training sequences', saved.numTrainInteractions, now.numTrainInteractions, 'interactions'));
  if (saved.parts.valid !== now.parts.valid) out.push(count('validation targets', saved.numValidTargets, now.numValidTargets, 'users'));
  if (saved.parts.test !== now.parts.test) out.push(count('test targets', saved.numTestTargets, now.numTestTargets, 'users'));
  if (saved.parts.ids !== now.parts.ids) out.push('raw user or item ids');
  return out.length > 0 ? out : ['the data hash'];
}

/** Is `v` a fingerprint as splitFingerprint writes it? */
function isFingerprint(v: unknown): v is DataFingerprint {
  const f = v as Partial<DataFingerprint> | null;
  return !!f && typeof f.sha256 === 'string' && typeof f.numUsers === 'number' && !!f.parts && typeof f.parts.train === 'string';
}

/**
 * The run's data.json, or undefined when the run has none (runs from before fingerprints).
 * @throws CorruptFileError naming data.json when it is damaged
 */
export function readDataRecord(dir: string): DataRecord | undefined {
  let rec: DataRecord;
  try {
    rec = loadJson<DataRecord>(dir, DATA_FILE);
  } catch (err) {
    if (err instanceof CorruptFileError && err.problem === 'is missing') return undefined;
    throw err;
  }
  if (rec?.format !== DATA_FORMAT || !isFingerprint(rec.fingerprint)) throw new CorruptFileError(`is not a data record (format '${DATA_FORMAT}' with a fingerprint)`, join(dir, DATA_FILE));
  return rec;
}

/** Write the run's data.json, atomically. */
export function writeDataRecord(dir: string, rec: DataRecord): void {
  writeJsonAtomic(join(dir, DATA_FILE), rec);
}

/** The recorded fingerprint against `now`: the differences, or why there is nothing to compare. */
function compareRecord(dir: string, now: DataFingerprint): { rec?: DataRecord; changes: string[]; damage?: string } {
  try {
    const rec = readDataRecord(dir);
    return { rec, changes: rec ? fingerprintChanges(rec.fingerprint, now) : [] };
  } catch (err) {
    if (!(err instanceof CorruptFileError)) throw err;
    return { changes: ['unknown (data.json was damaged)'], damage: err.message };
  }
}

function changedError(dir: string, spec: DataSpec, changes: readonly string[], damage: string | undefined, what: string, then: string): DataError {
  const problem = damage
    ? `${damage}: the fingerprint of the data this run was trained on is lost, so a change of the data cannot be ruled out`
    : `the data changed since this run was trained (${spec.source}, core ${spec.core}: ${changes.join(', ')})`;
  return new DataError(`${dir}: ${problem}; ${what}. Nothing was changed. ` +
    `Fix: restore the data the run was trained on, or pass --allow-data-change (allowDataChange) to go on with the current data; ${then}.`);
}

/**
 * Check the data of a run being trained against its data.json, then record the current data.
 * With no finished epoch there is nothing to conflict: the record is (re)written.
 * @returns every change accepted so far (for result.json), or undefined when there is none
 * @throws DataError when the data changed (or data.json is damaged) and allowDataChange is off
 */
export function checkTrainData(dir: string, spec: DataSpec, now: DataFingerprint, epochsDone: number, allowDataChange: boolean, log: (msg: string) => void): readonly DataChange[] | undefined {
  const fresh: DataRecord = { format: DATA_FORMAT, data: spec, fingerprint: now, recordedAt: new Date().toISOString() };
  if (epochsDone === 0) {
    writeDataRecord(dir, fresh);
    return undefined;
  }
  const { rec, changes, damage } = compareRecord(dir, now);
  if (!rec && !damage) {
    log(`${dir}: no data fingerprint recorded (the run predates data.json): recording the current data's`);
    writeDataRecord(dir, fresh);
    return undefined;
  }
  if (changes.length === 0) return rec!.changes;
  if (!allowDataChange) throw changedError(dir, spec, changes, damage, `its ${epochsDone} finished epoch${epochsDone === 1 ? ' was' : 's were'} trained on the old data`, 'the change is then recorded in data.json and result.json');
  const change: DataChange = { at: fresh.recordedAt, epoch: epochsDone, changes, from: rec?.fingerprint.sha256 ?? 'unknown', to: now.sha256 };
  const all = [...(rec?.changes ?? []), change];
  writeDataRecord(dir, { ...fresh, changes: all });
  log(`${dir}: the data changed after epoch ${epochsDone} (${changes.join(', ')}); going on with the current data as allowed, recorded in data.json and result.json`);
  return all;
}

/**
 * Check the data a finished or started run is evaluated on against its data.json (read only).
 * @returns the change accepted by allowDataChange, or undefined when the data is unchanged or unknown
 * @throws DataError when the data changed (or data.json is damaged) and allowDataChange is off
 */
export function checkEvalData(dir: string, spec: DataSpec, now: DataFingerprint, allowDataChange: boolean, log: (msg: string) => void): DataChange | undefined {
  const { rec, changes, damage } = compareRecord(dir, now);
  if (!rec && !damage) {
    log(`${dir}: no data fingerprint recorded (the run predates data.json): a change of its data cannot be detected`);
    return undefined;
  }
  if (changes.length === 0) return undefined;
  if (!allowDataChange) throw changedError(dir, spec, changes, damage, 'its metrics on the current data would not be the run\'s', 'the evaluation then reports the change');
  log(`${dir}: the data changed since training (${changes.join(', ')}); evaluating on the current data as allowed`);
  return { at: new Date().toISOString(), epoch: 0, changes, from: rec?.fingerprint.sha256 ?? 'unknown', to: now.sha256 };
}
