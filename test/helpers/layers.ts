/**
 * The layers of lib/, bottom up (ARCHITECTURE.md). A file may import its own folder and any
 * folder listed before it; lib/index.ts and lib/cli.ts (the root) may import anything.
 * Four named rules are stricter than the order: models import only ops and util; data imports
 * only util; train never imports a concrete model (only models/types); eval never imports train.
 *
 * plot sits below experiments: an experiment's `produce` draws its figure through plot, and
 * plot itself knows nothing of runs or studies.
 */
export const LAYERS: readonly string[] = [
  'util', 'ops', 'data', 'models', 'train', 'eval', 'runs', 'sweep', 'scaling', 'tasks',
  'plot', 'experiments', 'notebook', 'bench', 'cli',
];

/** The layer of a path relative to lib/ ('ops/backend.ts' -> 'ops'; 'index.ts' -> '(root)'). */
export function layerOf(path: string): string {
  const parts = path.split('/');
  return parts.length === 1 ? '(root)' : parts[0];
}

const ONLY: Readonly<Record<string, readonly string[]>> = {
  models: ['util', 'ops', 'models'],
  data: ['util', 'data'],
};

/** Why `from` (a file under lib/) may not import `target` (a path under lib/), or undefined. */
export function importViolation(from: string, target: string): string | undefined {
  const a = layerOf(from);
  const b = layerOf(target.replace(/\.ts$/, '') + (target.includes('/') ? '' : '/'));
  if (a === '(root)') return undefined;
  const only = ONLY[a];
  if (only && !only.includes(b)) return `${a} imports only ${only.filter((x) => x !== a).join(' and ')}`;
  if (a === 'train' && b === 'models' && target.replace(/\.ts$/, '') !== 'models/types') return 'train never imports a concrete model (only models/types)';
  if (a === 'eval' && b === 'train') return 'eval never imports train';
  if (b === '(root)') return 'nothing imports the root (index.ts, cli.ts)';
  const ia = LAYERS.indexOf(a);
  const ib = LAYERS.indexOf(b);
  if (ia < 0) return `${a} is not a known layer`;
  if (ib < 0) return `${b} is not a known layer`;
  return ib > ia ? `${b} is above ${a}` : undefined;
}
