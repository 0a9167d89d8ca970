import { UsageError } from './run-spec';

export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** `i/n` as Jest's --shard takes it (1 ≤ i ≤ n), with an error that says what was given and what is accepted. */
export function parseShard(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || index < 1 || count < 1 || index > count) {
    throw new UsageError(
      `--shard must be i/n with 1 ≤ i ≤ n (e.g. --shard 2/3 runs the second of three parts), got '${value}'`,
    );
  }
  return { index, count };
}

/** Jest gives every shard at least one file only when there are at least as many files as shards. */
export function checkShardFits(shard: Shard, files: number): void {
  if (shard.count > files) {
    throw new UsageError(
      `--shard ${shard.index}/${shard.count}: the selection has ${files} suite file${files === 1 ? '' : 's'}, fewer than ${shard.count} shards (a shard would run nothing); use at most ${files} shards or select more suites`,
    );
  }
}
