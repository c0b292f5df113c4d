// Training progress output (Keras ProgBarLogger): verbose 0 prints nothing; verbose 1 draws a live bar
// with loss/metrics and ETA when the stream is a TTY (cli-progress), else prints one line per epoch;
// verbose 2 always prints one line per epoch. cli-progress (Node-only: readline, events) is required when a live
// bar is first drawn, which needs a TTY, so a browser bundle never reaches it (src/util/host.ts).
import type cliProgressNs from 'cli-progress';
import { defaultStream, nodeRequire } from '../util/host.js';
import type { Logs } from './callbacks.js';

export type Verbosity = 0 | 1 | 2;

export function formatLogs(logs: Logs): string {
  return Object.entries(logs).map(([k, v]) => `${k}: ${formatNumber(v)}`).join(' - ');
}

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(4) : v.toFixed(4);
}

export function formatSeconds(s: number): string {
  if (s < 1) return `${Math.round(s * 1000)}ms`;
  if (s < 60) return `${s.toFixed(1)}s`;
  return `${Math.floor(s / 60)}m${Math.round(s % 60).toString().padStart(2, '0')}s`;
}

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
}

export class ProgressPrinter {
  private bar: cliProgressNs.SingleBar | null = null;
  private epochStart = 0;
  private readonly live: boolean;

  constructor(
    private readonly verbose: Verbosity,
    private readonly epochs: number,
    private readonly stepsPerEpoch: number,
    private readonly stream: ProgressStream = defaultStream(),
  ) {
    this.live = verbose === 1 && stream.isTTY === true;
  }

  epochBegin(epoch: number): void {
    this.epochStart = performance.now();
    if (this.verbose === 0) return;
    if (this.live) {
      this.stream.write(`Epoch ${epoch + 1}/${this.epochs}\n`);
      const cliProgress = nodeRequire(import.meta.url, 'fit progress bar')('cli-progress') as typeof cliProgressNs;
      this.bar = new cliProgress.SingleBar({
        format: '{value}/{total} [{bar}] {duration_formatted} - ETA {eta_formatted} - {logs}',
        stream: this.stream as NodeJS.WritableStream,
        hideCursor: true,
        barsize: 24,
        etaBuffer: 20,
        clearOnComplete: false,
      }, cliProgress.Presets.legacy);
      this.bar.start(this.stepsPerEpoch, 0, { logs: '' });
    }
  }

  batchEnd(batch: number, logs: Logs): void {
    if (this.bar) this.bar.update(batch + 1, { logs: formatLogs(logs) });
  }

  epochEnd(epoch: number, logs: Logs): void {
    if (this.verbose === 0) return;
    const dt = (performance.now() - this.epochStart) / 1000;
    if (this.bar) {
      this.bar.update(this.stepsPerEpoch, { logs: formatLogs(logs) });
      this.bar.stop();
      this.bar = null;
      return;
    }
    this.stream.write(`Epoch ${epoch + 1}/${this.epochs} - ${formatSeconds(dt)} - ${formatLogs(logs)}\n`);
  }

  /** Stops a live bar (on errors). */
  close(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
