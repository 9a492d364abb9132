/**
 * Training curves: train and validation loss per epoch, one colour per run (validation solid,
 * train dashed), for `lsrm runs curves`. Plain arrays in, a themed plotly figure out.
 */
import { themedLayout, type Figure, type LayoutOptions } from './theme';
import { lineTrace } from './traces';

/** One run's curve: its name and, per finished epoch, the mean train and validation loss. */
export interface RunCurve {
  readonly name: string;
  readonly epochs: readonly number[];
  readonly trainLoss: readonly number[];
  readonly validLoss: readonly number[];
}

/**
 * Loss against epoch for several runs; the two lines of a run share its colour and legend group.
 * @throws when no run is given or a run's arrays differ in length
 * @example curvesFigure([{ name: 'lsrm 2x64', epochs: [1, 2], trainLoss: [7.1, 6.4], validLoss: [6.9, 6.5] }])
 */
export function curvesFigure(runs: readonly RunCurve[], opts: LayoutOptions = {}): Figure {
  if (runs.length === 0) throw new Error('a curves figure needs at least one run');
  const data = runs.flatMap((r, i) => [
    { ...lineTrace({ name: `${r.name} valid`, x: r.epochs, y: r.validLoss }, i), legendgroup: `run-${i}` },
    { ...lineTrace({ name: `${r.name} train`, x: r.epochs, y: r.trainLoss, dash: 'dash' }, i), legendgroup: `run-${i}` },
  ]);
  const layout = themedLayout({ x: { title: 'epoch' }, y: { title: 'cross-entropy loss' }, ...opts });
  // Whole epochs only: plotly would put ticks at 1.5 on a short curve.
  const maxEpoch = Math.max(...runs.flatMap((r) => r.epochs));
  if (maxEpoch <= 20) layout.xaxis = { ...(layout.xaxis as object), dtick: 1 };
  return { data, layout };
}
