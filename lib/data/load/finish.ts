/** The last step every loader shares: refuse an empty result, then apply the duplicate rule. */
import { DataError } from '../../util/errors';
import type { InteractionBuilder } from './builder';
import type { LoadOptions, LoadResult } from './types';

/**
 * Freeze the builder into a LoadResult.
 * @throws DataError if no row survived (empty file, or every row malformed in lenient mode)
 */
export function finishLoad(b: InteractionBuilder, opts: LoadOptions, what: string): LoadResult {
  if (b.length === 0) {
    const skipped = b.skippedRows > 0 ? ` (${b.skippedRows} malformed rows were skipped)` : '';
    throw new DataError(
      `no interactions found in ${what}${skipped}. Fix: check that ${b.files.join(', ') || 'the file'} holds rows in the expected format.`,
      b.files[0],
    );
  }
  return b.finish(opts.duplicates ?? 'first');
}
