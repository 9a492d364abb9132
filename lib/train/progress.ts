/**
 * A small progress reporter for training: on a TTY, one bar redrawn in place with steps/s and
 * ETA; elsewhere (CI logs, pipes), a plain line at most every `intervalMs` and at the end.
 * It writes to the stream it is given (the CLI passes stderr); lib code never picks one itself.
 */

/** The part of a write stream the reporter uses. */
export interface ProgressStream {
  write(s: string): unknown;
  readonly isTTY?: boolean;
}

export interface ProgressOptions {
  readonly stream: ProgressStream;
  /** Text before the bar, e.g. 'epoch 3/30'. */
  readonly label?: string;
  /** Width of the bar in characters. */
  readonly width?: number;
  /** Minimum time between two plain lines (non-TTY). */
  readonly intervalMs?: number;
  /** Clock (tests pass a fake one). */
  readonly now?: () => number;
  /** When the work started (default: now), e.g. before the first unit ran. */
  readonly startMs?: number;
}

export interface Progress {
  /** `done` of `total` units finished; `info` is appended (e.g. 'loss 5.12'). */
  update(done: number, total: number, info?: string): void;
  /** Finish the bar (a final line) with an optional summary. */
  finish(summary?: string): void;
}

/** '12s', '3m05s', '2h07m' (rounded down). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** '[#####.....]' for done/total over `width` cells. */
export function renderBar(done: number, total: number, width: number): string {
  const filled = total > 0 ? Math.min(width, Math.floor((done / total) * width)) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/** The status text: 'label [###...] 12/40 3.2 step/s ETA 8s info'. */
function statusLine(label: string, done: number, total: number, elapsedMs: number, width: number, info?: string): string {
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const eta = rate > 0 ? formatDuration(((total - done) / rate) * 1000) : '?';
  const rateText = rate >= 1 ? rate.toFixed(1) + ' step/s' : rate > 0 ? (1 / rate).toFixed(1) + ' s/step' : '- step/s';
  const parts = [label, renderBar(done, total, width), `${done}/${total}`, rateText, `ETA ${eta}`, info ?? ''];
  return parts.filter((p) => p !== '').join(' ');
}

/** Create a reporter (see header). */
export function createProgress(opts: ProgressOptions): Progress {
  const now = opts.now ?? Date.now;
  const width = opts.width ?? 24;
  const intervalMs = opts.intervalMs ?? 10_000;
  const isTTY = opts.stream.isTTY === true;
  const start = opts.startMs ?? now();
  let lastDraw = -Infinity;
  let last = '';
  return {
    update(done, total, info) {
      const t = now();
      last = statusLine(opts.label ?? '', done, total, t - start, width, info);
      if (isTTY) {
        if (t - lastDraw < 100 && done < total) return; // at most 10 redraws per second
        opts.stream.write(`\r\x1b[K${last}`);
      } else {
        if (t - lastDraw < intervalMs && done < total) return;
        opts.stream.write(`${last}\n`);
      }
      lastDraw = t;
    },
    finish(summary) {
      const text = summary ? `${opts.label ?? ''} ${summary}`.trim() : last;
      opts.stream.write(isTTY ? `\r\x1b[K${text}\n` : `${text}\n`);
    },
  };
}
