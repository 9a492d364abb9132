/**
 * The public API of lsrm-lab: what notebooks import (`from '../dist/index'`) and what
 * `require('lsrm-lab')` gives. Grouped named re-exports; each group mirrors a lib/ folder.
 */

// Shared types and errors
export type { Interactions, Sequences, LeaveOneOutSplit, Vocab, EvalSplit } from './types';
export { DataError } from './errors';

// Data: sources, loaders, synthetic data, preprocessing
export { makeRng, deriveSeed, shuffled, type Rng } from './data/rng';
export { parseSourceSpec, formatSourceSpec, type SourceSpec } from './data/source';
export { loadSource, loadDataset, type LoadOptions, type LoadResult } from './data/load/index';
export { listDatasets, findDataset } from './data/datasets';
export { generateSynthetic, SYNTHETIC_PRESETS, SYNTHETIC_DEFAULTS, type SyntheticConfig } from './data/synthetic';
export { filterKCore, type KCoreConfig } from './data/kcore';
export { prepareData, type PipelineConfig, type PreparedData } from './data/pipeline';
export { datasetStats, formatStats, PAPER_TABLE_2, type DatasetStats } from './data/stats';
export { toSequences, sequenceLengths } from './data/sequences';
export { splitLeaveOneOut } from './data/split';

// Models: parameter counts
export { nonEmbeddingParams, lsrmParamCounts, TABLE_IV, LSRM_WIDE } from './models/params';

// Experiments: scale presets, result store, figure registry, tables
export { SCALES, SCALE_NAMES, getScale, scaleFromEnv, type ScaleName, type ScalePreset, type LadderRung, type DataChoice } from './experiments/scale';
export { runOrLoad, loadRun, runKey, configHash, stableStringify, type RunResult, type RunRecord, type RunMeta } from './experiments/store';
export { FIGURES, findFigure, type FigureEntry } from './experiments/registry';
export { runsDir, figuresDir } from './experiments/paths';
export { table2Rows, table2Sources, measureSource, paperTable2Rows, DEFAULT_SOURCE, TABLE_2_COLUMNS, TABLE_2_TEXT, type Table2Row, type Table2Source } from './experiments/table-2';
export { paperLadderRows, presetLadderRows, table4Rows, ladderSummary, TABLE_4_COLUMNS, TABLE_4_TEXT, type Table4Row } from './experiments/table-4';
export { TABLE_PRESETS, tableData, dataLabel, trainPhrase, presetRunConfig, presetKey, trainPreset, type ModelPreset, type TablePresets, type PresetMetrics, type TrainPresetOptions, type TableRunOptions } from './experiments/presets';
export { table3Rows, table3Summary, table3Columns, table3Text, table3Models, variantTrain, epochSummary, ABLATION_VARIANTS, PAPER_TABLE_3, type AblationVariant, type Table3Row } from './experiments/table-3';
export { table5Rows, table5Summary, table5Models, table5Text, oursRow, formatCount, PAPER_TABLE_5, TABLE_5_COLUMNS, TABLE_5_METRICS, type Table5Row, type Table5Metric } from './experiments/table-5';

// Plot: figure specs, tables, export, notebook display
export { themedLayout, seriesColor, PALETTE, FIGURE_SIZE, type Figure, type Trace, type Layout, type LayoutOptions, type AxisOptions } from './plot/theme';
export { lineTrace, scatterTrace, barTrace, bandTrace, type Series, type Band } from './plot/traces';
export { lineFigure, scatterFigure, barFigure, tableFigure } from './plot/figures';
export { toCsv, toMarkdown, toHtmlTable, formatCell, formatFixed, formatPercent, type Column, type Row, type Cell, type TableOptions } from './plot/table';
export { saveFigure, saveTable, describeSaved, type SaveOptions, type SavedFiles } from './plot/save';
export { figureHtml, renderPng, closeBrowser, findChrome } from './plot/export';
export { showFigure, showTable, publishFigure, publishTable } from './plot/show';

// Notebooks: which build is running, headless execution
export { buildStamp, buildStampLine, type BuildStamp } from './notebook/build';
export { executeNotebook, formatCellError, jupyterMissing, type NotebookRun } from './notebook/run';
export { installKernelSpec, kernelSpec } from './notebook/kernel';

// Training and evaluation
export { initBackend, type BackendInfo, type BackendName } from './train/backend';
export { trainModel, TRAIN_DEFAULTS, type TrainConfig, type CurveRow, type TrainResult } from './train/train';
export { trainRun, loadRun as loadTrainedRun, normalizeRunConfig, type RunConfig, type RunConfigInput, type RunResultFile } from './train/run';
export { layerDropoutRates } from './train/dropout';
export { learningRate } from './train/schedule';
export { evaluateModel, EVAL_DEFAULTS, type EvalOptions, type EvalResult } from './eval/evaluate';
export { hitRate, ndcg, mrr, coverage } from './eval/metrics';
export { rankOfTarget, topKItems } from './eval/rank';
