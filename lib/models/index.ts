/**
 * The explicit map of model factories (no string reflection): add a model by importing its
 * factory and adding one line to MODELS. Each factory builds a SeqModel from its own config type
 * and a seed.
 */
import { createLsrm, type LsrmConfig } from './lsrm';
import type { SeqModel } from './types';
import { createGru4Rec, type Gru4RecConfig } from './gru4rec';
import { createFmlp, type FmlpConfig } from './fmlp';
import { createCaser, type CaserConfig } from './caser';

export const MODELS = {
  lsrm: createLsrm as (config: LsrmConfig, seed: number) => SeqModel,
  gru4rec: createGru4Rec as (config: Gru4RecConfig, seed: number) => SeqModel,
  fmlp: createFmlp as (config: FmlpConfig, seed: number) => SeqModel,
  caser: createCaser as (config: CaserConfig, seed: number) => SeqModel,
};

export type ModelKind = keyof typeof MODELS;
