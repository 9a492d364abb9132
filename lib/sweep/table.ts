/**
 * The live table of a sweep: one row per run (label, state, epoch, best validation metric,
 * ETA) and a total line (counts, the sweep's ETA). On a TTY the table is redrawn in place; on
 * a pipe or a log file one line is written per change (a state or an epoch; not every step).
 *
 * The sweep's ETA: each pending run's duration is guessed from the cost model (its prior,
 * estimate.ts sweepPriors: the seconds it still needs, from the cached bench figure and data
 * statistics), scaled by how long the runs finished this session took against their own priors
 * (before any has: by how the sweep's runs already in the store did, estimate.ts startScale);
 * without a prior, as the mean of the durations known (finished this session, or elapsed + ETA of
 * a running one). A ladder's runs differ 50-fold in cost, so the mean alone once said 1 h for a
 * 3.5 h grid. The pending runs are then handed, in turn, to the first of the `jobs` slots to free
 * up (the running runs hold theirs until their ETA).
 */
import { formatDuration, type ProgressStream } from '../train/progress';
import type { SweepRun } from './spec';
import { median } from '../util/stats';

/** 'elsewhere': another process (another sweep over the store) trains the run; this sweep waits for it. */
export type RunState = 'pending' | 'running' | 'elsewhere' | 'done' | 'loaded' | 'failed' | 'stopped';

/** What the table knows of one run. */
export interface RunRow {
  readonly label: string;
  readonly state: RunState;
  readonly epoch?: number;
  readonly maxEpochs?: number;
  readonly selectBy?: string;
  readonly best?: number;
  readonly etaSeconds?: number;
  /** When this session started it, and how long it took (done runs). */
  readonly startedMs?: number;
  readonly durationMs?: number;
  /** The cost model's seconds for what the run still had to train when the sweep began (see the header). */
  readonly priorSeconds?: number;
  readonly message?: string;
}

export interface SweepTable {
  /** Update a run; a change of state or epoch is a "change" (a line on a non-TTY stream). */
  update(key: string, patch: Partial<RunRow>): void;
  row(key: string): RunRow;
  /** The sweep's ETA in seconds (undefined while unknown). */
  totalEtaSeconds(): number | undefined;
  /** Draw the final table (TTY) or the summary line. */
  finish(): void;
}

export interface TableOptions {
  readonly stream: ProgressStream;
  readonly jobs: number;
  readonly now?: () => number;
  /** Least time between two redraws on a TTY (default 250 ms; changes of state redraw at once). */
  readonly redrawMs?: number;
  /** The cost model's seconds per run key (estimate.ts sweepPriors), and wall seconds per prior second until a run finishes (estimate.ts startScale; undefined: none yet). */
  readonly priors?: { readonly seconds: ReadonlyMap<string, number>; readonly startScale?: number };
}

/**
 * How long runs take against their priors: the median of duration / prior over the runs finished
 * this session that have one; `startScale` when none has finished (see TableOptions.priors).
 */
export function priorScale(rows: readonly RunRow[], startScale?: number): number | undefined {
  const done = rows.filter((r) => r.state === 'done' && r.durationMs !== undefined && r.priorSeconds !== undefined && r.priorSeconds > 0);
  return done.length === 0 ? startScale : median(done.map((r) => r.durationMs! / 1000 / r.priorSeconds!));
}

/** The sweep's ETA of `rows` (see the header); `startScale`: wall seconds per prior second until a run finishes. */
export function sweepEta(rows: readonly RunRow[], jobs: number, nowMs: number, startScale?: number): number | undefined {
  const running = rows.filter((r) => r.state === 'running');
  const pendingRows = rows.filter((r) => r.state === 'pending');
  const known = [
    ...rows.filter((r) => r.state === 'done' && r.durationMs !== undefined).map((r) => r.durationMs! / 1000),
    ...running.filter((r) => r.etaSeconds !== undefined && r.startedMs !== undefined).map((r) => (nowMs - r.startedMs!) / 1000 + r.etaSeconds!),
  ];
  const mean = known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : undefined;
  const scale = priorScale(rows, startScale);
  const guess = (r: RunRow) => (r.priorSeconds !== undefined && scale !== undefined ? r.priorSeconds * scale : mean);
  const etas = running.map((r) => {
    if (r.etaSeconds !== undefined) return r.etaSeconds;
    const g = guess(r);
    return g === undefined ? undefined : Math.max(0, g - (nowMs - (r.startedMs ?? nowMs)) / 1000);
  });
  const pending = pendingRows.map(guess);
  if (etas.some((e) => e === undefined) || pending.some((d) => d === undefined)) return undefined;
  return listSchedule(pending as number[], jobs, etas as number[]);
}

/**
 * Wall time of running `durations` in order on `jobs` slots, each run taking the slot that frees
 * first (what the local sweep does), the slots busy for `busy` seconds first. One long run bounds
 * the sweep however many slots there are.
 */
export function listSchedule(durations: readonly number[], jobs: number, busy: readonly number[] = []): number {
  const slots = [...busy];
  while (slots.length < jobs) slots.push(0);
  for (const d of durations) {
    const k = slots.indexOf(Math.min(...slots));
    slots[k] += d;
  }
  return Math.max(0, ...slots);
}

function eta(seconds: number | undefined): string {
  return seconds === undefined ? '?' : formatDuration(seconds * 1000);
}

function metricText(r: RunRow): string {
  return r.best === undefined || !Number.isFinite(r.best) ? '-' : `${r.selectBy ?? 'loss'} ${r.best.toFixed(4)}`;
}

function counts(rows: readonly RunRow[]): string {
  const n = (s: RunState) => rows.filter((r) => r.state === s).length;
  const parts = (['done', 'loaded', 'running', 'elsewhere', 'pending', 'failed', 'stopped'] as const).filter((s) => n(s) > 0).map((s) => `${n(s)} ${s}`);
  return parts.join(', ');
}

/** The rows as text lines: a header, one line per run, the total. */
export function renderTable(rows: readonly RunRow[], totalEta: number | undefined): string[] {
  const width = Math.max(3, ...rows.map((r) => r.label.length));
  const lines = [`${'run'.padEnd(width)}  ${'state'.padEnd(9)}  ${'epoch'.padStart(7)}  ${'best valid'.padEnd(16)}  ETA`];
  for (const r of rows) {
    const epoch = r.epoch === undefined ? '-' : `${r.epoch}/${r.maxEpochs ?? '?'}`;
    const rowEta = r.state === 'running' ? eta(r.etaSeconds) : '-';
    lines.push(`${r.label.padEnd(width)}  ${r.state.padEnd(9)}  ${epoch.padStart(7)}  ${metricText(r).padEnd(16)}  ${rowEta}`);
  }
  lines.push(`total: ${counts(rows)}; sweep ETA ${eta(totalEta)}`);
  return lines;
}

/** Create the table of `runs`, every run pending. */
export function createSweepTable(runs: readonly SweepRun[], opts: TableOptions): SweepTable {
  const now = opts.now ?? Date.now;
  const rows = new Map<string, RunRow>(
    runs.map((r) => [r.key, { label: r.label, state: 'pending' as RunState, selectBy: r.config.train.selectBy, maxEpochs: r.config.train.epochs ?? r.config.train.maxEpochs, priorSeconds: opts.priors?.seconds.get(r.key) }]),
  );
  const isTTY = opts.stream.isTTY === true;
  let drawn = 0;
  let lastDraw = -Infinity;
  const total = () => sweepEta([...rows.values()], opts.jobs, now(), opts.priors?.startScale);
  const redraw = () => {
    const lines = renderTable([...rows.values()], total());
    const up = drawn > 0 ? `\x1b[${drawn}A` : '';
    opts.stream.write(up + lines.map((l) => `\x1b[2K${l}\n`).join(''));
    drawn = lines.length;
    lastDraw = now();
  };
  const line = (r: RunRow) => {
    const epoch = r.epoch === undefined ? '' : ` epoch ${r.epoch}/${r.maxEpochs ?? '?'}, best ${metricText(r)}`;
    const rowEta = r.state === 'running' && r.etaSeconds !== undefined ? `, ETA ${eta(r.etaSeconds)}` : '';
    const msg = r.message ? `: ${r.message}` : '';
    opts.stream.write(`sweep: ${r.label}: ${r.state}${epoch}${rowEta}${msg} | ${counts([...rows.values()])}, sweep ETA ${eta(total())}\n`);
  };
  return {
    update(key, patch) {
      const before = rows.get(key);
      if (!before) throw new Error(`sweep table: no run '${key}'`);
      const after = { ...before, ...patch };
      rows.set(key, after);
      const isChange = after.state !== before.state || after.epoch !== before.epoch;
      if (isTTY && (isChange || now() - lastDraw >= (opts.redrawMs ?? 250))) redraw();
      else if (!isTTY && isChange) line(after);
    },
    row: (key) => rows.get(key)!,
    totalEtaSeconds: total,
    finish() {
      if (isTTY) redraw();
      else opts.stream.write(`sweep: ${counts([...rows.values()])}\n`);
    },
  };
}
