import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRunDir } from '../../lifecycle';
import { runOneShot } from '../../setup';
import { PROBED_NAMES, probeAnswers, probeConfig, type AuthenticatorsBuiltIn } from '../probe';
import type { ContainersSpec } from '../spec';
import { ensureTargetImages } from './container-images';
import { sessionLabels } from './container-session';

const IN_PROBE = '/run/parsec-probe';

/** Asks the Parsec of a container spec which authenticators it has: one short container, one start per question. */
export async function probeContainerAuthenticators(
  spec: ContainersSpec,
  log: (line: string) => void,
): Promise<AuthenticatorsBuiltIn> {
  const images = await ensureTargetImages(spec, log);
  const dir = createRunDir(tmpdir(), 'probe');
  const names = PROBED_NAMES;
  try {
    for (const name of names) writeFileSync(join(dir, `${name}.toml`), probeConfig(name, IN_PROBE, true));
    // Each start exits at once; markers split the output per authenticator.
    const script = names.map((n) => `echo "== ${n}"; parsec -c ${IN_PROBE}/${n}.toml 2>&1`).join('; ');
    const { output } = await runOneShot(
      images.parsec,
      ['/bin/sh', '-c', `${script}; echo "== end"`],
      [`${dir}:${IN_PROBE}`],
      {
        ...sessionLabels(),
        'org.parsec-conformance.role': 'probe',
      },
    );
    return probeAnswers((name) => output.split(`== ${name}\n`)[1]?.split('\n== ')[0] ?? '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
