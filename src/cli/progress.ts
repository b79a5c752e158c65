import { formatDuration } from '../report/run-summary.js';

export interface ProgressState {
  done: number;
  total: number;
  failed: number;
  inFlight: number;
  startedAt: number;
  now: number;
  /** sites done in this process (resumed runs start with done > 0) */
  doneHere: number;
}

const SEP = '  ';
const MIN_BAR = 10; // brackets included: a narrower bar says nothing
const MAX_CELLS = 30;
// Narrow terminals lose parts in this order; the count itself stays to the last.
const DROP_ORDER = ['rate', 'running', 'ok', 'bar', 'failed', 'eta'] as const;
type Part = 'ok' | 'failed' | 'running' | 'rate' | 'eta';

/** One status line, never longer than `width`. */
export function renderProgress(s: ProgressState, width: number): string {
  if (width <= 0) return '';
  const elapsed = s.now - s.startedAt;
  // Only sites done by this process say how fast it goes: a resumed run's earlier sites took no time here.
  const known = s.doneHere > 0 && elapsed > 0;
  const msPerSite = known ? elapsed / s.doneHere : 0;
  const texts: Record<Part, string | undefined> = {
    ok: `ok ${s.done - s.failed}`,
    failed: `failed ${s.failed}`,
    running: `${s.inFlight} running`,
    rate: known ? `${(60_000 / msPerSite).toFixed(1)} sites/min` : undefined,
    eta: `ETA ${known ? formatDuration(Math.max(0, s.total - s.done) * msPerSite) : '—'}`,
  };
  const count = `${s.done}/${s.total}`;

  for (let k = 0; k <= DROP_ORDER.length; k++) {
    const dropped = new Set<string>(DROP_ORDER.slice(0, k));
    const parts = (['ok', 'failed', 'running', 'rate', 'eta'] as const).filter((p) => !dropped.has(p)).map((p) => texts[p]);
    const text = [count, ...parts].filter((t): t is string => t !== undefined).join(SEP);
    if (dropped.has('bar')) {
      if (text.length <= width) return text;
      continue;
    }
    const room = width - text.length - SEP.length;
    if (room < MIN_BAR) continue;
    return bar(s.total > 0 ? s.done / s.total : 0, Math.min(room - 2, MAX_CELLS)) + SEP + text;
  }
  return count.slice(0, width);
}

function bar(fraction: number, cells: number): string {
  // Floor, so the bar is full only when everything is done.
  const filled = Math.floor(Math.min(1, Math.max(0, fraction)) * cells);
  return `[${'#'.repeat(filled)}${'.'.repeat(cells - filled)}]`;
}

const CLEAR_LINE = '\r\x1b[2K';

/** A self-redrawing status line at the bottom of a terminal. Only for TTYs: it relies on \r and erase-line. */
export class ProgressBar {
  private state: Omit<ProgressState, 'now'> | undefined;
  private drawn: string | undefined; // the line currently on screen, if any
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly intervalMs: number;

  constructor(
    private readonly stream: NodeJS.WriteStream & { columns?: number },
    opts: { intervalMs?: number } = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 200;
  }

  update(s: Omit<ProgressState, 'now'>): void {
    if (this.stopped) return;
    this.state = { ...s };
    // The clock moves rate and ETA even while no site finishes.
    if (!this.timer) {
      this.timer = setInterval(() => this.draw(false), this.intervalMs);
      this.timer.unref();
    }
    this.draw(true);
  }

  /** Clears the bar line, runs write, redraws: other output then scrolls up above the bar. */
  around(write: () => void): void {
    if (this.drawn === undefined) return write();
    this.stream.write(CLEAR_LINE);
    this.drawn = undefined;
    try {
      write();
    } finally {
      this.draw(true);
    }
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.drawn !== undefined) this.stream.write(CLEAR_LINE);
    this.drawn = undefined;
  }

  private draw(force: boolean): void {
    if (this.stopped || !this.state) return;
    // One column short: writing into the last column makes some terminals wrap, and \r then clears the wrong line.
    const width = (this.stream.columns || 80) - 1;
    const line = renderProgress({ ...this.state, now: Date.now() }, width);
    if (!force && line === this.drawn) return;
    this.stream.write(CLEAR_LINE + line);
    this.drawn = line;
  }
}
