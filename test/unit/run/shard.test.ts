import { checkShardFits, parseShard } from '../../../harness/run/shard';
import { UsageError } from '../../../harness/run/run-spec';

describe('parseShard', () => {
  it.each([
    ['1/3', { index: 1, count: 3 }],
    ['3/3', { index: 3, count: 3 }],
    [' 2/5 ', { index: 2, count: 5 }],
    ['1/1', { index: 1, count: 1 }],
  ])('%s', (value, shard) => expect(parseShard(value)).toEqual(shard));

  it.each(['0/3', '4/3', 'x/y', '1/0', '1', '1/3/4', '-1/3', '1.5/3', ''])(
    'refuses %p with what is accepted',
    (value) => {
      expect(() => parseShard(value)).toThrow(UsageError);
      expect(() => parseShard(value)).toThrow(
        `--shard must be i/n with 1 ≤ i ≤ n (e.g. --shard 2/3 runs the second of three parts), got '${value}'`,
      );
    },
  );
});

describe('checkShardFits', () => {
  it('refuses more shards than suite files, since a shard would run nothing', () => {
    expect(() => checkShardFits({ index: 1, count: 3 }, 3)).not.toThrow();
    expect(() => checkShardFits({ index: 1, count: 4 }, 3)).toThrow(
      '--shard 1/4: the selection has 3 suite files, fewer than 4 shards (a shard would run nothing); use at most 3 shards or select more suites',
    );
  });
});
