// Keras StackedRNNCells (K3 keras/src/layers/rnn/stacked_rnn_cells.py): several cells run one after the other
// inside one time step; cell k reads cell k−1's output. The states are nested per cell in natural order
// ([[h1, c1], [h2, c2]], §4.1; TFJS reverses this order, §11.6). The RNN loop sees them flattened in the same
// order (h1, c1, h2, c2); the output is the last cell's output.

import { Tensor, fail, checkOptions, optionKeys } from './deps.js';
import { RNNCellBase } from './cell-base.js';

export interface StackedRNNCellsArgs {
  cells: RNNCellBase[];
  name?: string;
  trainable?: boolean;
}

export class StackedRNNCells extends RNNCellBase {
  static override readonly kerasName: string = 'StackedRNNCells';
  readonly cells: RNNCellBase[];

  constructor(args: StackedRNNCellsArgs | RNNCellBase[]) {
    if (!Array.isArray(args)) checkOptions('StackedRNNCells', args, optionKeys<StackedRNNCellsArgs>({ cells: true, name: true, trainable: true }));
    const a = Array.isArray(args) ? { cells: args } : args;
    super({ name: a.name, trainable: a.trainable });
    if (!Array.isArray(a.cells) || a.cells.length === 0) fail('StackedRNNCells', 'cells must be a non-empty list of RNN cells');
    a.cells.forEach((c, i) => {
      if (!(c instanceof RNNCellBase)) fail('StackedRNNCells', `cells[${i}] is not an RNN cell (it needs stateSize, outputSize and step())`);
    });
    this.cells = [...a.cells];
    for (const c of this.cells) this.trackLayer(c);
  }

  override get className(): string {
    return 'StackedRNNCells';
  }

  /** Flattened per-cell state sizes, natural order. */
  get stateSize(): number[] {
    return this.cells.flatMap((c) => c.stateSize);
  }

  /** Per-cell state sizes (the nested Keras structure). */
  get nestedStateSize(): number[][] {
    return this.cells.map((c) => c.stateSize);
  }

  get outputSize(): number {
    return this.cells[this.cells.length - 1].outputSize;
  }

  override get inputDim(): number | null {
    return this.cells[0].inputDim;
  }

  override build(inputShape: readonly number[]): void {
    let shape = [...inputShape];
    for (const c of this.cells) {
      if (!c.built) {
        c.build(shape);
        c.built = true;
      }
      shape = [...shape.slice(0, -1), c.outputSize];
    }
    this.built = true;
  }

  step(x: Tensor, states: Tensor[], training: boolean): [Tensor, Tensor[]] {
    let off = 0;
    let out = x;
    const next: Tensor[] = [];
    for (const c of this.cells) {
      const n = c.stateSize.length;
      const [o, ns] = c.step(out, states.slice(off, off + n), training);
      out = o;
      next.push(...ns);
      off += n;
    }
    return [out, next];
  }

  override resetDropoutMasks(): void {
    for (const c of this.cells) c.resetDropoutMasks();
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      cells: this.cells.map((c) => ({ module: 'keras.layers', class_name: c.className, config: c.getConfig(), registered_name: null })),
    };
  }
}
