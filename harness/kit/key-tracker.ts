import { randomBytes } from 'node:crypto';
import { ServiceStatusError, type KeyAttributes, type ParsecClient } from '../wire';

// Jest loads this module afresh for every test file, also in the same worker process, so the counter alone
// restarts; a random tag per module load keeps names unique across files, workers and runs.
const loadTag = randomBytes(3).toString('hex');
let counter = 0;

interface TrackedKey {
  readonly provider: number;
  readonly name: string;
  readonly client: ParsecClient;
}

/**
 * Hands out run-unique key names and destroys every key a case created, also when the case failed. A key is tracked
 * before the request that may create it, so a create that unexpectedly succeeds is cleaned up too.
 */
export class KeyTracker {
  private readonly tracked: TrackedKey[] = [];

  /**
   * `preexisting` lists keys that were there before the run (ListKeys snapshot, "<provider>/<name>"): they are never
   * destroyed, even if a case tracked their name, so a service the harness did not set up keeps its keys.
   */
  constructor(
    private readonly client: ParsecClient,
    private readonly runId: string,
    private readonly caseId: string,
    private readonly preexisting: ReadonlySet<string> = new Set(),
  ) {}

  /** A fresh name: `pc-<run>-<load>-<n>-<tag>`; unique across test files, workers and runs, readable in the log. */
  name(tag = 'key'): string {
    counter += 1;
    return `pc-${this.runId}-${loadTag}-${counter}-${tag}`;
  }

  track(provider: number, name: string, client: ParsecClient = this.client): string {
    this.tracked.push({ provider, name, client });
    return name;
  }

  async generate(provider: number, attributes: KeyAttributes, tag?: string): Promise<string> {
    const name = this.track(provider, this.name(tag));
    await this.client.generateKey(provider, name, attributes);
    return name;
  }

  async import(provider: number, attributes: KeyAttributes, data: Uint8Array, tag?: string): Promise<string> {
    const name = this.track(provider, this.name(tag));
    await this.client.importKey(provider, name, attributes, data);
    return name;
  }

  /** Destroys what is still there; a key that is already gone is fine. Returns what could not be destroyed. */
  async destroyAll(): Promise<string[]> {
    const problems: string[] = [];
    for (const key of this.tracked.splice(0).reverse()) {
      if (this.preexisting.has(`${key.provider}/${key.name}`)) continue;
      try {
        await key.client.destroyKey(key.provider, key.name);
      } catch (e) {
        if (e instanceof ServiceStatusError && e.statusName === 'PsaErrorDoesNotExist') continue;
        problems.push(`${key.name} on provider ${key.provider} (case ${this.caseId}): ${(e as Error).message}`);
      }
    }
    return problems;
  }
}
