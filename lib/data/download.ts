/**
 * Download-and-cache for named datasets (./datasets.ts). A dataset lives in `<root>/<name>/`
 * (root defaults to `<project>/data`, git-ignored). The first use:
 * 1. uses an archive already placed in `<root>/<name>/` by hand, else fetches it with global
 *    `fetch` into a temp file beside the target (progress to stderr), hashing as it streams;
 * 2. verifies SHA-256 against the registry's known value, or, when none is known, against a
 *    hash recorded earlier in `.sha256`, or records it there (trust on first use);
 * 3. renames the temp file into place (atomic), extracts zips (./unzip.ts) through a temp
 *    folder, deletes the zip, and writes `.sha256` (sha256sum format: archive + loaded files).
 * Later uses re-hash the loaded files and compare them with `.sha256`.
 * Every failure is a DataError that names the URL and exactly which file to place where.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DataError } from '../util/errors';
import { writeFileAtomic } from '../util/atomic';
import { sha256File } from '../util/hash';
import { projectDataDir } from '../util/paths';
import type { DatasetEntry, RemoteFile } from './datasets';
import { extractZip } from './unzip';

/** Options for ensureDataset. */
export interface DownloadOptions {
  /** Cache root; default `<project>/data`. */
  readonly dataRoot?: string;
  /** Fetch `<baseUrl>/<fileName>` instead of the registry URL (local mirrors, tests). */
  readonly baseUrl?: string;
  /** Progress lines: default stderr; false = silent; or a function. */
  readonly progress?: boolean | ((message: string) => void);
  /** Abort a download when no byte arrives for this long (default 60 s). */
  readonly stallMs?: number;
  /** Folders already searched for the dataset, named in the error when the download fails. */
  readonly searched?: readonly string[];
}

/** Default stall timeout of a download. */
export const DEFAULT_STALL_MS = 60_000;

/** Name of the checksum record inside each dataset folder. */
export const CHECKSUM_FILE = '.sha256';

function progressFn(p: DownloadOptions['progress']): (m: string) => void {
  if (typeof p === 'function') return p;
  return p === false ? () => undefined : (m) => process.stderr.write(`${m}\n`);
}

/** Parse a sha256sum-format record into file -> hash. */
export function readChecksums(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const path = join(dir, CHECKSUM_FILE);
  if (!existsSync(path)) return out;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
    if (m) out.set(m[2], m[1]);
  }
  return out;
}

function writeChecksums(dir: string, sums: Map<string, string>): void {
  const body = [...sums].map(([f, h]) => `${h}  ${f}`).join('\n');
  writeFileAtomic(join(dir, CHECKSUM_FILE), `${body}\n`);
}

/** An entry with a download. */
type Downloadable = DatasetEntry & { readonly remote: RemoteFile };

/** The entry, checked to have a download. @throws DataError naming the folder to fill by hand */
function downloadable(entry: DatasetEntry, dir: string): Downloadable {
  if (!entry.remote) {
    throw new DataError(`dataset "${entry.name}" has no download (${entry.description}). Fix: place its files in ${dir}, or in <LSRM_DATA_DIR>/${entry.name}/.`);
  }
  return entry as Downloadable;
}

/** The URL to fetch for `entry`, honouring a base-URL override. @throws DataError when it has no download */
export function remoteUrl(entry: DatasetEntry, baseUrl?: string): string {
  const { remote } = downloadable(entry, join(projectDataDir(), entry.name));
  return baseUrl ? `${baseUrl.replace(/\/+$/, '')}/${remote.fileName}` : remote.url;
}

function offlineError(url: string, reason: string, entry: Downloadable, dir: string, searched: readonly string[] = []): DataError {
  const by = entry.archive === 'zip'
    ? `place the zip at ${join(dir, entry.remote.fileName)} (it is verified and extracted on the next run), or extract it so that ${join(dir, entry.loadPath)} exists`
    : `place the file at ${join(dir, entry.remote.fileName)}`;
  const where = searched.length > 0 ? `${entry.name} is not in ${searched.join(' nor ')}, and it ` : '';
  const env = searched.length > 0 ? ` Or set LSRM_DATA_DIR to a folder that holds ${entry.name}/ with ${entry.loadPath} (or ${entry.name}.inter).` : '';
  return new DataError(`${where}could not download ${url} (${reason}). Fix: if this machine is offline, download that URL elsewhere and ${by}; then run again.${env}`);
}

/** Reports download progress about every 10% (every 10 MB when the size is unknown). */
function progressReporter(fileName: string, total: number, say: (m: string) => void): (got: number) => void {
  const step = total > 0 ? total / 10 : 10e6;
  let next = step;
  return (got) => {
    if (got < next) return;
    next = (Math.floor(got / step) + 1) * step;
    const of = total > 0 ? ` / ${(total / 1e6).toFixed(1)} MB (${Math.floor((100 * got) / total)}%)` : ' MB';
    say(`  ${fileName}: ${(got / 1e6).toFixed(1)}${of}`);
  };
}

/** Stream `url` into `dest`, returning its SHA-256. Aborts if no byte arrives for `stallMs`. */
async function fetchToFile(url: string, dest: string, entry: Downloadable, dir: string, opts: DownloadOptions, say: (m: string) => void): Promise<string> {
  const stallMs = opts.stallMs ?? DEFAULT_STALL_MS;
  const abort = new AbortController();
  let timer = setTimeout(() => abort.abort(), stallMs);
  const fd = openSync(dest, 'w');
  let got = 0;
  try {
    const res = await fetch(url, { signal: abort.signal });
    if (!res.ok || !res.body) throw offlineError(url, `HTTP ${res.status} ${res.statusText}`.trim(), entry, dir, opts.searched);
    const report = progressReporter(entry.remote.fileName, Number(res.headers.get('content-length')) || entry.remote.bytes || 0, say);
    const hash = createHash('sha256');
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      clearTimeout(timer);
      timer = setTimeout(() => abort.abort(), stallMs);
      writeSync(fd, chunk);
      hash.update(chunk);
      got += chunk.length;
      report(got);
    }
    return hash.digest('hex');
  } catch (err) {
    if (err instanceof DataError) throw err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = abort.signal.aborted ? `no data for ${stallMs / 1000} s` : cause?.code ?? cause?.message ?? (err as Error).message;
    throw offlineError(url, got > 0 ? `connection lost after ${got} bytes: ${why}` : why, entry, dir, opts.searched);
  } finally {
    clearTimeout(timer);
    closeSync(fd);
  }
}

/** The expected hash of the archive: the registry's, else one recorded earlier, else undefined. */
function expectedHash(entry: Downloadable, dir: string): string | undefined {
  return entry.remote.sha256 ?? readChecksums(dir).get(entry.remote.fileName);
}

function checkHash(actual: string, expected: string | undefined, what: string, url: string, fix: string): void {
  if (expected !== undefined && actual !== expected) {
    throw new DataError(`SHA-256 mismatch for ${what} from ${url}: expected ${expected}, got ${actual}. ${fix}`);
  }
}

/** Files whose hashes are recorded and re-checked: the loaded file and its metadata, when present. */
function trackedFiles(entry: DatasetEntry, dir: string): string[] {
  return [entry.loadPath, ...entry.metadata].filter((rel) => existsSync(join(dir, rel)));
}

/** Re-hash the tracked files of a cached dataset against `.sha256` (recording any not yet listed). */
async function verifyCached(entry: DatasetEntry, dir: string): Promise<void> {
  const sums = readChecksums(dir);
  let changed = false;
  for (const rel of trackedFiles(entry, dir)) {
    const actual = await sha256File(join(dir, rel));
    const recorded = sums.get(rel);
    if (recorded === undefined) {
      sums.set(rel, actual); // placed by hand or older cache: trust on first use
      changed = true;
    } else if (recorded !== actual) {
      throw new DataError(
        `${rel} changed since it was downloaded (SHA-256 ${actual}, recorded ${recorded} in ${CHECKSUM_FILE}). Fix: delete the folder ${dir} to download it again, or delete ${join(dir, CHECKSUM_FILE)} to accept the new content.`,
        join(dir, rel),
      );
    }
  }
  if (changed) writeChecksums(dir, sums);
}

/**
 * Check a file found in a data folder against that folder's `.sha256`, when it lists the file.
 * Writes nothing (a user's data folder may be read-only): unlisted files are accepted as they are.
 * @throws DataError naming the file and both hashes when they differ
 */
export async function verifyRecorded(dir: string, rel: string): Promise<void> {
  const recorded = readChecksums(dir).get(rel);
  if (recorded === undefined) return;
  const actual = await sha256File(join(dir, rel));
  if (actual !== recorded) {
    throw new DataError(`SHA-256 ${actual} differs from the ${recorded} recorded in ${join(dir, CHECKSUM_FILE)}. Fix: restore the file, or delete its line from ${CHECKSUM_FILE} to accept the new content.`, join(dir, rel));
  }
}

/** Get the archive into `dir` (hand-placed or downloaded), verified; returns its SHA-256. */
async function obtainArchive(entry: Downloadable, dir: string, opts: DownloadOptions, say: (m: string) => void): Promise<string> {
  const archive = join(dir, entry.remote.fileName);
  const url = remoteUrl(entry, opts.baseUrl);
  const expected = expectedHash(entry, dir);
  if (existsSync(archive)) {
    say(`verifying ${archive}`);
    const actual = await sha256File(archive);
    checkHash(actual, expected, archive, url, `Fix: delete ${archive} so it is downloaded again, or extract the right archive by hand so that ${join(dir, entry.loadPath)} exists.`);
    return actual;
  }
  say(`downloading ${url} -> ${archive}`);
  const tmp = join(dir, `.${entry.remote.fileName}.${process.pid}.part`);
  try {
    const actual = await fetchToFile(url, tmp, entry, dir, opts, say);
    checkHash(actual, expected, entry.remote.fileName, url, `The download is corrupt or the file changed upstream; nothing was kept. Fix: run again; if it persists, download it by hand and extract it so that ${join(dir, entry.loadPath)} exists (its hash is then recorded on first use).`);
    renameSync(tmp, archive);
    return actual;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Extract a zip into `dir` through a temp folder, so the loaded file appears only when complete. */
async function extractInto(archive: string, dir: string, entry: DatasetEntry, say: (m: string) => void): Promise<void> {
  const tmpDir = join(dirname(dir), `.${entry.name}.${process.pid}.extract`);
  rmSync(tmpDir, { recursive: true, force: true });
  say(`extracting ${archive}`);
  try {
    const files = await extractZip(archive, tmpDir);
    if (!files.includes(entry.loadPath)) {
      throw new DataError(`the archive holds no ${entry.loadPath} (found: ${files.slice(0, 8).join(', ')}). Fix: check that it is the right file.`, archive);
    }
    const tops = [...new Set(files.map((f) => f.split(/[\\/]/)[0]))];
    for (const top of tops) {
      rmSync(join(dir, top), { recursive: true, force: true });
      renameSync(join(tmpDir, top), join(dir, top));
    }
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
  rmSync(archive);
}

/**
 * Make sure the dataset is in `<root>/<name>/`, downloading, verifying and extracting it
 * on first use, and return the path of the file to load.
 * @throws DataError naming the URL and the file to place by hand when the download fails,
 *   or the file and both hashes on a checksum mismatch
 * @example const file = await ensureDataset(findDataset('ml-1m')!); // .../data/ml-1m/ratings.dat
 */
export async function ensureDataset(dataset: DatasetEntry, opts: DownloadOptions = {}): Promise<string> {
  const dir = join(opts.dataRoot ?? projectDataDir(), dataset.name);
  const target = join(dir, dataset.loadPath);
  const say = progressFn(opts.progress);
  if (existsSync(target) && dataset.loadPath !== '.') {
    await verifyCached(dataset, dir);
    return target;
  }
  const entry = downloadable(dataset, dir);
  mkdirSync(dir, { recursive: true });
  const archiveHash = await obtainArchive(entry, dir, opts, say);
  if (entry.archive === 'zip') await extractInto(join(dir, entry.remote.fileName), dir, entry, say);
  const sums = readChecksums(dir);
  sums.set(entry.remote.fileName, archiveHash);
  for (const rel of trackedFiles(entry, dir)) sums.set(rel, rel === entry.remote.fileName ? archiveHash : await sha256File(join(dir, rel)));
  writeChecksums(dir, sums);
  say(`ready: ${target}`);
  return target;
}
