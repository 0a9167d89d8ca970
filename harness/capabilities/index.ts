import type { ParsecClient } from '../wire';
import { isServiceStatusError } from '../wire';
import { ASYMMETRIC_PROBES } from './catalogue/asymmetric';
import { SYMMETRIC_PROBES } from './catalogue/symmetric';
import { MISC_PROBES } from './catalogue/misc';
import { SIGNATURE_PROBES } from './catalogue/signatures';
import { KEY_PROBES } from './catalogue/keys';
import { CAN_DO_PROBES } from './catalogue/can-do';
import { ENCRYPTION_PROBES } from './catalogue/encryption';
import { probeKey, type Probe } from './probe';

export { probeKey, type Probe } from './probe';
export * from './catalogue/encryption';
export * from './catalogue/asymmetric';
export * from './catalogue/symmetric';
export * from './catalogue/misc';
export * from './catalogue/signatures';

/**
 * Every CanDoCrypto question the suites may ask, asked once per run in globalSetup. Suites look answers up
 * synchronously while Jest collects tests; a question not in the catalogue is a harness bug and says so.
 * Each area keeps its own catalogue file.
 */
export const CATALOGUE: readonly Probe[] = dedupe([
  ...ASYMMETRIC_PROBES,
  ...SYMMETRIC_PROBES,
  ...MISC_PROBES,
  ...SIGNATURE_PROBES,
  ...KEY_PROBES,
  ...CAN_DO_PROBES,
  ...ENCRYPTION_PROBES,
]);

function dedupe(probes: readonly Probe[]): Probe[] {
  const byKey = new Map<string, Probe>();
  for (const p of probes) byKey.set(probeKey(p), p);
  return [...byKey.values()];
}

/** Probe key → status name the provider answered ('Success' when it can). */
export type CapabilityAnswers = Record<string, string>;

/** Asks a provider every catalogue question, a few at a time (each request is its own connection). */
export async function probeCapabilities(
  client: ParsecClient,
  provider: number,
  catalogue = CATALOGUE,
): Promise<CapabilityAnswers> {
  const answers: CapabilityAnswers = {};
  const queue = [...catalogue];
  const worker = async (): Promise<void> => {
    for (let p = queue.shift(); p; p = queue.shift()) {
      try {
        await client.canDoCrypto(provider, p.checkType, p.attributes);
        answers[probeKey(p)] = 'Success';
      } catch (e) {
        if (!isServiceStatusError(e)) throw e;
        answers[probeKey(p)] = e.statusName;
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return answers;
}

/** Looks a question up; the error names the missing probe so the catalogue gets it. */
export function answerFor(answers: CapabilityAnswers | undefined, probe: Probe): string {
  if (!answers) return 'PsaErrorNotSupported';
  const answer = answers[probeKey(probe)];
  if (answer === undefined) {
    throw new Error(
      `CanDoCrypto probe ${probeKey(probe)} is not in harness/capabilities/catalogue; add it there so it is asked once per run`,
    );
  }
  return answer;
}
