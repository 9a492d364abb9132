import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadAtomic } from '../../../lib/data/load/atomic';
import { rawRows, tempDir, writeFixture } from './tmp';

const INTER = 'user_id:token\titem_id:token\trating:float\ttimestamp:float\n196\t242\t3\t881250949\n186\t302\t3\t891717742.0\n196\t377\t1\t878887116\n';

for (const gz of [false, true]) {
  test(`.inter${gz ? ' (gzip)' : ''}: columns by name; float timestamps`, async () => {
    const file = writeFixture(tempDir(), gz ? 'ml.inter.gz' : 'ml.inter', INTER, gz);
    const r = await loadAtomic(file);
    assert.deepEqual(rawRows(r.interactions), [['196', '242', 881250949], ['186', '302', 891717742], ['196', '377', 878887116]]);
    assert.deepEqual(Array.from(r.interactions.user), [0, 1, 0]);
    assert.deepEqual(Array.from(r.interactions.item), [1, 2, 3]);
  });
}

test('column order does not matter and extra columns are ignored', async () => {
  const file = writeFixture(tempDir(), 'x.inter', 'timestamp:float\tlabel:float\titem_id:token\tuser_id:token\n7\t1\tA\tu1\n8\t0\tB\tu2\n');
  assert.deepEqual(rawRows((await loadAtomic(file)).interactions), [['u1', 'A', 7], ['u2', 'B', 8]]);
});

test('domains: first token of the .item class column; items without a class get -1', async () => {
  const dir = tempDir();
  const file = writeFixture(dir, 'ml.inter', INTER);
  writeFixture(dir, 'ml.item', "item_id:token\tmovie_title:token_seq\tclass:token_seq\n242\tKolya\tComedy\n302\tL.A. Confidential\tCrime Film-Noir Mystery Thriller\n999\tUnrated\tDrama\n");
  const x = (await loadAtomic(file)).interactions;
  // items 242 -> 1 (Comedy), 302 -> 2 (Crime), 377 -> 3 (not in .item); 999 has no ratings.
  assert.deepEqual(x.vocab.domains, ['Comedy', 'Crime']);
  assert.deepEqual(Array.from(x.vocab.itemDomain!), [-1, 0, 1, -1]);
});

test('an .item file without a class column gives no domains', async () => {
  const dir = tempDir();
  const file = writeFixture(dir, 'ml.inter', INTER);
  writeFixture(dir, 'ml.item', 'item_id:token\tmovie_title:token_seq\n242\tKolya\n');
  assert.equal((await loadAtomic(file)).interactions.vocab.domains, undefined);
});
