/**
 * The public API of lsrm-lab: what notebooks import (`from '../dist/index'`) and what
 * `require('lsrm-lab')` gives. Grouped named re-exports; each group mirrors a lib/ folder.
 */

// Shared types and errors
export type { Interactions, Sequences, LeaveOneOutSplit, Vocab, EvalSplit } from './data/types';
export { DataError } from './util/errors';
export { ConfigError } from './models/toolkit';
export { gitCommit } from './util/git';
export { sha256Hex } from './util/hash';
export { projectRoot, projectDataDir, userDataDir } from './util/paths';

// Data: sources, loaders, synthetic data, preprocessing
export { makeRng, deriveSeed, shuffled, type Rng } from './util/rng';
export { parseSourceSpec, formatSourceSpec, type SourceSpec } from './data/source';
export { loadSource, loadDataset, findDatasetFiles, type LoadOptions, type LoadResult, type SourceOptions } from './data/load/index';
export { listDatasets, findDataset } from './data/datasets';
export { generateSynthetic, SYNTHETIC_PRESETS, SYNTHETIC_DEFAULTS, type SyntheticConfig } from './data/synthetic';
export { filterKCore, type KCoreConfig } from './data/kcore';
export { prepareData, type PipelineConfig, type PreparedData } from './data/pipeline';
export { datasetStats, formatStats, PAPER_TABLE_2, type DatasetStats } from './data/stats';
export { toSequences, sequenceLengths } from './data/sequences';
export { splitLeaveOneOut } from './data/split';
export { approximateEntropy, datasetApEn, type ApEnOptions, type DatasetApEn } from './data/quality';

// Models: the one registry, parameter counts
export { MODELS, MODEL_KINDS, modelEntry, defaultShape, isModelKind, type ModelKind } from './models/index';
export type { SeqModel, ModelEntry, ModelShape, ParamCounts } from './models/types';
export { nonEmbeddingParams, lsrmParamCounts, TABLE_IV, LSRM_WIDE } from './models/params';

// Experiments: scale presets, result store, table presets, the figure registry. A study's own
// functions (table3Summary, ...) are imported from its module: '../dist/experiments/table-3'.
export { SCALES, SCALE_NAMES, getScale, scaleFromEnv, type ScaleName, type ScalePreset, type LadderRung, type DataChoice } from './experiments/scale';
export { runOrLoad, readRunRecord, runKey, type RunResult, type RunRecord, type RunMeta } from './runs/store';
export { configHash, stableStringify } from './util/hash';
export { FIGURES, findFigure, cheapFigures } from './experiments/registry';
export type { FigureEntry, ProduceOptions, TrainedTableOptions, Produced, TableOutput, FigureOutput, PendingOutput } from './experiments/figure';
export { runsDir, figuresDir } from './util/paths';
export { TABLE_PRESETS, tableData, dataLabel, trainPhrase, presetRunConfig, presetKey, trainPreset, type ModelPreset, type TablePresets, type PresetMetrics, type TrainPresetOptions, type TableRunOptions, type DataPick, type DataPicks, type PresetRun } from './experiments/presets';

// Plot: figure specs, tables, export, notebook display
export { themedLayout, seriesColor, PALETTE, FIGURE_SIZE, type Figure, type Trace, type Layout, type LayoutOptions, type AxisOptions } from './plot/theme';
export { lineTrace, scatterTrace, barTrace, bandTrace, type Series, type Band } from './plot/traces';
export { lineFigure, scatterFigure, barFigure, tableFigure } from './plot/figures';
export { toCsv, toMarkdown, toHtmlTable, formatCell, formatFixed, formatPercent, type Column, type Row, type Cell, type TableOptions } from './plot/table';
export { saveFigure, saveTable, describeSaved, figuresDirFor, COMMITTED_SCALE, type SaveOptions, type SavedFiles } from './plot/save';
export { figureHtml, renderPng, closeBrowser, findChrome } from './plot/export';
export { showFigure, showTable, publishFigure, publishTable } from './plot/show';

// Notebooks: which build is running, headless execution
export { buildStamp, buildStampLine, type BuildStamp } from './notebook/build';
export { executeNotebook, formatCellError, jupyterMissing, type NotebookRun } from './notebook/run';
export { installKernelSpec, kernelSpec } from './notebook/kernel';

// Training and evaluation
export { initBackend, type BackendInfo, type BackendName } from './ops/backend';
export { trainModel, TRAIN_DEFAULTS, type TrainConfig, type CurveRow, type TrainResult } from './train/train';
export { trainRun, loadRun, normalizeRunConfig, type RunConfig, type RunConfigInput, type RunResultFile, type LoadedRun, type ModelSpec, type DataSpec } from './runs/run';
export { buildModel } from './runs/build';
export { RunLockedError, type LoadRunOptions } from './runs/run';
export { trainInStore, storeKeyOf, runPaths, type StoreRun } from './runs/in-store';
export { readCatalog, findRun, runLabel, type RunEntry, type RunState } from './runs/catalog';

// Scaling laws: fits, bands, held-out predictions, the compute-optimal frontier
export { powerLaw, jointLaw, type PowerLawParams, type JointLawParams } from './scaling/laws';
export { fitPowerLaw, type PowerLawFit } from './scaling/fit';
export { bootstrapPowerLaw, type PowerLawBootstrap } from './scaling/bootstrap';
export { fitWithHoldout, predictWithBand, type HoldoutResult, type HeldOutPrediction } from './scaling/predict';
export { fitJointLaw, type JointLawFit } from './scaling/joint';
export { computeOptimal, computeFrontier } from './scaling/compute-optimal';

// Studies: grids of runs on both cores or a Slurm cluster
export { expandSweep, loadSweepSpec, type SweepSpec, type SweepRun } from './sweep/spec';
export { runLocal } from './sweep/local';
export { runSweep } from './sweep/execute';
export { sweepOptionsFromEnv, sweepOptionsToEnv, type SweepOptions } from './sweep/options';
export { mean, sampleStd, meanInterval } from './util/stats';
export { submitSlurm, slurmStatus, resubmitFailed, type SlurmOptions } from './sweep/slurm';
export { estimateRun } from './sweep/estimate';
export { layerDropoutRates } from './train/dropout';
export { learningRate } from './train/schedule';
export { evaluateModel, EVAL_DEFAULTS, type EvalOptions, type EvalResult } from './eval/evaluate';
export { hitRate, ndcg, mrr, coverage } from './eval/metrics';
export { rankOfTarget, topKItems } from './eval/rank';
export * as tasks from './tasks';
export { fitPerformanceLaw, fitDataTerms, performanceLawHoldout, metricPowerLawHoldout, compareHoldout, performanceLaw, performanceTerm } from './scaling/performance-law';
