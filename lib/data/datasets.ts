/**
 * Registry of named datasets. A name (`dataset:ml-100k`) is all a config, caption or notebook
 * holds; `loadDataset(name)` (./load/index.ts) finds the files in `$LSRM_DATA_DIR/<name>/`,
 * then in the project's `data/<name>/`, else downloads them there once. `datasetLayouts`
 * lists the file layouts accepted in those folders.
 *
 * Checksums: the SHA-256 and byte sizes of the four GroupLens zips are the ones published in
 * TensorFlow Datasets' url_checksums/movielens.txt (we did not download the files here to
 * re-check them). GroupLens rebuilds `ml-latest-small.zip` from time to time; if its hash no
 * longer matches, the download fails loudly rather than loading different data.
 * We know no published checksum for the Amazon 2018 files: for those the hash is recorded on
 * first download in `data/<name>/.sha256` and verified on every later load (trust on first use).
 */

/** One file to download. */
export interface RemoteFile {
  readonly url: string;
  /** Name of the downloaded file inside data/<name>/. */
  readonly fileName: string;
  /** Known SHA-256 (hex), or undefined when unknown (recorded on first download). */
  readonly sha256?: string;
  /** Known size in bytes, for progress and a quick sanity check. */
  readonly bytes?: number;
}

/** A named dataset: where to get it and what to load once it is in data/<name>/. */
export interface DatasetEntry {
  readonly name: string;
  readonly kind: 'movielens' | 'amazon' | 'sasrec';
  readonly description: string;
  /** Where to download it; absent for a dataset that is only read from a data folder. */
  readonly remote?: RemoteFile;
  /** 'zip' archives are extracted into data/<name>/ (their top folder dropped). */
  readonly archive: 'zip' | 'none';
  /** File the loader reads, relative to data/<name>/; '.' = the folder itself (Amazon files mixed by user). */
  readonly loadPath: string;
  /** Metadata files (relative to data/<name>/) that are hashed with the data, if present. */
  readonly metadata: readonly string[];
  readonly terms: string;
}

const GROUPLENS = 'https://files.grouplens.org/datasets/movielens';
const GROUPLENS_TERMS = 'GroupLens MovieLens terms: research use, no redistribution without permission, cite Harper & Konstan 2015.';

function movielens(name: string, sha256: string, bytes: number, loadPath: string, metadata: string[], description: string): DatasetEntry {
  return {
    name, kind: 'movielens', description, archive: 'zip', loadPath, metadata, terms: GROUPLENS_TERMS,
    remote: { url: `${GROUPLENS}/${name}.zip`, fileName: `${name}.zip`, sha256, bytes },
  };
}

/** The MovieLens releases (Harper & Konstan 2015). */
export const MOVIELENS_DATASETS: readonly DatasetEntry[] = [
  movielens('ml-100k', '50d2a982c66986937beb9ffb3aa76efe955bf3d5c6b761f4e3a7cd717c6a3229', 4924029, 'u.data', ['u.item', 'u.genre'], 'MovieLens 100K: 100,000 ratings, 943 users, 1,682 movies (1998)'),
  movielens('ml-1m', 'a6898adb50b9ca05aa231689da44c217cb524e7ebd39d264c56e2832f2c54e20', 5917549, 'ratings.dat', ['movies.dat'], 'MovieLens 1M: 1,000,209 ratings, 6,040 users, 3,706 movies (2003)'),
  movielens('ml-20m', '96f243c338a8665f6bcc89c53edf6ee39162a846940de6b7c8c48aeada765ff3', 198702078, 'ratings.csv', ['movies.csv'], 'MovieLens 20M: 20,000,263 ratings, 138,493 users, 26,744 movies (2015)'),
  movielens('ml-latest-small', '696d65a3dfceac7c45750ad32df2c259311949efec81f0f144fdfb91ebc9e436', 978202, 'ratings.csv', ['movies.csv'], 'MovieLens latest-small: about 100,000 ratings, 610 users, 9,700 movies (rebuilt by GroupLens over time)'),
];

/** Amazon Review Data 2018 categories (Ni, Li & McAuley 2019), as named in the per-category files. */
export const AMAZON_2018_CATEGORIES: readonly string[] = [
  'AMAZON_FASHION', 'All_Beauty', 'Appliances', 'Arts_Crafts_and_Sewing', 'Automotive', 'Books',
  'CDs_and_Vinyl', 'Cell_Phones_and_Accessories', 'Clothing_Shoes_and_Jewelry', 'Digital_Music',
  'Electronics', 'Gift_Cards', 'Grocery_and_Gourmet_Food', 'Home_and_Kitchen', 'Industrial_and_Scientific',
  'Kindle_Store', 'Luxury_Beauty', 'Magazine_Subscriptions', 'Movies_and_TV', 'Musical_Instruments',
  'Office_Products', 'Patio_Lawn_and_Garden', 'Pet_Supplies', 'Prime_Pantry', 'Software',
  'Sports_and_Outdoors', 'Tools_and_Home_Improvement', 'Toys_and_Games', 'Video_Games',
];

const AMAZON_BASE = 'https://datarepo.eng.ucsd.edu/mcauley_group/data/amazon_v2/categoryFilesSmall';
const AMAZON_TERMS = 'Amazon Review Data 2018: research use; cite Ni, Li & McAuley, EMNLP 2019.';

/**
 * The Amazon 2018 entry for a category: `amazon-<Category>` is the rating-only CSV,
 * `amazon-<Category>-5core` the 5-core review JSON lines.
 */
export function amazonDataset(category: string, variant: 'ratings' | '5core'): DatasetEntry {
  const fileName = variant === 'ratings' ? `${category}.csv` : `${category}_5.json.gz`;
  return {
    name: variant === 'ratings' ? `amazon-${category}` : `amazon-${category}-5core`,
    kind: 'amazon',
    description: `Amazon 2018 ${category.replace(/_/g, ' ')}: ${variant === 'ratings' ? 'all ratings (item,user,rating,timestamp)' : '5-core reviews'}`,
    remote: { url: `${AMAZON_BASE}/${fileName}`, fileName },
    archive: 'none', loadPath: fileName, metadata: [], terms: AMAZON_TERMS,
  };
}

/**
 * Datasets read only from a data folder (no single public download): a folder of Amazon 2018
 * category files, mixed by user.
 */
export const FOLDER_DATASETS: readonly DatasetEntry[] = [
  {
    name: 'amazon-2018', kind: 'amazon', archive: 'none', loadPath: '.', metadata: [], terms: AMAZON_TERMS,
    description: "Amazon 2018 (mix): the category files you place in the folder (<Category>.csv or <Category>_5.json.gz), mixed by user (the paper's Amazon data)",
  },
  {
    name: 'amazon-games-sasrec', kind: 'sasrec', archive: 'none', loadPath: 'Video.txt', metadata: [],
    terms: 'Amazon review data (McAuley et al.) as preprocessed by the SASRec authors (Kang & McAuley 2018): research use, cite both.',
    description: "Amazon Video Games as preprocessed for SASRec (Video.txt: 'user item' lines in time order per user, no timestamps): 31,013 users, 23,715 items, 287,107 interactions",
  },
  {
    name: 'amazon-2018-5core-small', kind: 'amazon', archive: 'none', loadPath: '.', metadata: [], terms: AMAZON_TERMS,
    description: 'Amazon 2018 5-core of the five smallest categories (AMAZON_FASHION, All_Beauty, Appliances, Gift_Cards, Magazine_Subscriptions), mixed by user',
  },
];

/** Every named dataset. */
export function listDatasets(): DatasetEntry[] {
  const amazon = AMAZON_2018_CATEGORIES.flatMap((c) => [amazonDataset(c, 'ratings'), amazonDataset(c, '5core')]);
  return [...MOVIELENS_DATASETS, ...amazon, ...FOLDER_DATASETS];
}

/** The entry named `name`, or undefined. */
export function findDataset(name: string): DatasetEntry | undefined {
  return listDatasets().find((d) => d.name === name);
}

/** A file format of lib/data/load/: which loader reads a file found for a dataset. */
export type DataFormat = 'atomic' | 'movielens' | 'amazon' | 'sasrec';

/** One accepted layout of `<folder>/<name>/`: a file (or '.', the folder) and its format. */
export interface DataLayout {
  readonly file: string;
  readonly format: DataFormat;
}

/**
 * The layouts accepted for a dataset in a data folder, in the order they are tried: the file
 * the download provides (plain or gzip for Amazon), then a RecBole atomic `<name>.inter`.
 * @example datasetLayouts(findDataset('ml-100k')!).map((l) => l.file) // ['u.data', 'ml-100k.inter', 'ml-100k.inter.gz']
 */
export function datasetLayouts(entry: DatasetEntry): DataLayout[] {
  const own: DataLayout[] = [{ file: entry.loadPath, format: entry.kind }];
  if (entry.kind === 'amazon' && entry.loadPath !== '.') {
    const other = entry.loadPath.endsWith('.gz') ? entry.loadPath.slice(0, -3) : `${entry.loadPath}.gz`;
    own.push({ file: other, format: 'amazon' });
  }
  return [...own, { file: `${entry.name}.inter`, format: 'atomic' }, { file: `${entry.name}.inter.gz`, format: 'atomic' }];
}
