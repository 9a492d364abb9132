/**
 * The one list of models under contract (test/models/contract.ts), built through the registry.
 * Adding a model to MODELS means adding its tiny config here; the last test checks the two agree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MODEL_KINDS } from '../../lib/models';
import { contractTests, type ContractCase } from './contract';

export const UNDER_CONTRACT: readonly ContractCase[] = [
  { kind: 'lsrm', tiny: { maxLen: 10, dim: 8, numLayers: 2, numHeads: 2, dropout: [0.2, 0.1], embDropout: 0.1 } },
  { kind: 'gru4rec', tiny: { maxLen: 10, dim: 6, hiddenSize: 5, numLayers: 2, dropout: 0.3 } },
  { kind: 'fmlp', tiny: { maxLen: 10, dim: 8, numLayers: 2, innerSize: 16, dropout: 0.2 }, tol: 2e-5 },
  { kind: 'caser', tiny: { maxLen: 10, dim: 6, window: 3, numHorizontal: 2, numVertical: 2, dropout: 0.3 } },
  { kind: 'hstu', tiny: { maxLen: 10, dim: 8, numLayers: 2, numHeads: 2, dropout: [0.2, 0.1], embDropout: 0.1 } },
  { kind: 'fuxi', tiny: { maxLen: 10, dim: 8, numLayers: 2, numHeads: 2, innerSize: 12, dropout: [0.2, 0.1], embDropout: 0.1 } },
  { kind: 'llama', tiny: { maxLen: 10, dim: 8, numLayers: 2, numHeads: 2, innerSize: 12, dropout: [0.2, 0.1], embDropout: 0.1 } },
];

for (const c of UNDER_CONTRACT) contractTests(c);

test('every MODELS kind is under contract, once', () => {
  assert.deepEqual(UNDER_CONTRACT.map((c) => c.kind), MODEL_KINDS);
});
