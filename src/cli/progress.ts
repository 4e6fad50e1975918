/**
 * LiveProgress draws one line per pod, and per image pulled, with its current step on a terminal,
 * redrawing in place as compose does; it is used only when stderr is a TTY. Cleared before the
 * final lines are printed.
 */
import type { ProgressEvent, PullEvent } from '../execute/execute-plan';

/** LiveProgress keeps the current step of each object and redraws them. */
export class LiveProgress {
  private readonly steps = new Map<string, string>();
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly started = Date.now();

  constructor(private readonly out: NodeJS.WriteStream, private readonly colour: boolean) {}

  /** update records an event and schedules a redraw. */
  update(e: ProgressEvent): void {
    this.steps.set(e.ref, words(e.step));
    this.timer ??= setTimeout(() => this.draw(), 80);
  }

  /** pull records a step of an image pull (`pulling layer 2: Copying blob sha256:…`) and schedules a redraw. */
  pull(e: PullEvent): void {
    const layers = e.layers > 0 ? ` layer ${e.layers}` : '';
    const step = e.message === 'pulling' || e.message === 'pulled' || e.message === 'pull failed' || e.message.startsWith('using local')
      ? e.message
      : `pulling${layers}: ${e.message.replace(/sha256:([0-9a-f]{12})[0-9a-f]+/g, 'sha256:$1')}`; // one terminal line
    this.steps.set(`image ${e.image}`, step);
    this.timer ??= setTimeout(() => this.draw(), 80);
  }

  /** clear erases the progress lines. */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}A\x1b[J`);
    this.drawn = 0;
  }

  private draw(): void {
    this.timer = undefined;
    const secs = ((Date.now() - this.started) / 1000).toFixed(1);
    const lines = [...this.steps].map(([ref, step]) => {
      const mark = step === 'running' || step === 'pulled' ? (this.colour ? '\x1b[32m✔\x1b[0m' : '✔') : '…';
      return ` ${mark} ${ref.padEnd(30)} ${step}`;
    });
    lines.unshift(`[+] applying ${this.steps.size} object(s) ${secs}s`);
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}A\x1b[J`);
    this.out.write(lines.join('\n') + '\n');
    this.drawn = lines.length;
  }
}

/** words turns a plan step (`createContainer web-app`) into what the user sees (`creating web-app`). */
function words(step: string): string {
  const [op, ...rest] = step.split(' ');
  const what = rest.join(' ');
  switch (op) {
    case 'done':
      return 'running';
    case 'pullImage':
    case 'pulling':
      return `pulling ${what}`.trim();
    case 'removePod':
      return `removing the old pod`;
    case 'removeVolume':
    case 'createVolume':
    case 'ensureVolume':
      return `preparing volume ${what}`;
    case 'ensureHostPath':
      return `preparing host path ${what}`;
    case 'createPod':
    case 'createContainer':
      return `creating ${what}`;
    case 'startPod':
      return 'starting';
    default:
      return step;
  }
}
