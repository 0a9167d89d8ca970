import type { RunContext } from '../../../harness/context';
import type { TargetSpec } from '../../../harness/targets';
import { backendUnavailable } from '../../../suites/faults/fault-support';

// Which fault cases a run can have: only backends the harness started itself are broken, and each "cannot" says why.
const context = (spec: TargetSpec) => ({ spec }) as unknown as RunContext;
const parsec = { from: 'debian', suite: 'trixie' } as const;
const ALL = [{ key: 'mbed' }, { key: 'pkcs11' }, { key: 'tpm' }] as const;

describe('backendUnavailable', () => {
  test('native with the harness swtpm and token: every fault can be caused', () => {
    const c = context({ kind: 'native', parsec, providers: [...ALL] });
    expect(['swtpm', 'swtpm-restart', 'token'].map((b) => backendUnavailable(c, b as 'swtpm'))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  test("a TPM or token of the user's is never broken, and a missing provider is named", () => {
    const user = context({
      kind: 'native',
      parsec,
      providers: [
        { key: 'pkcs11', module: '/usr/lib/vendor.so' },
        { key: 'tpm', tcti: 'device:/dev/tpmrm0' },
      ],
    });
    expect(backendUnavailable(user, 'swtpm')).toMatch(/the TPM is the user's \(device:\/dev\/tpmrm0\)/);
    expect(backendUnavailable(user, 'token')).toMatch(/the token is the user's \(\/usr\/lib\/vendor\.so\)/);
    const mbed = context({ kind: 'native', parsec, providers: [{ key: 'mbed' }] });
    expect(backendUnavailable(mbed, 'swtpm')).toBe('the run configures no TPM provider');
    expect(backendUnavailable(mbed, 'token')).toBe('the run configures no PKCS#11 provider');
  });

  test('containers: swtpm faults yes, swtpm restarts and the token no, with the reason; external: nothing', () => {
    const c = context({ kind: 'containers', parsec, providers: [...ALL] });
    expect(backendUnavailable(c, 'swtpm')).toBeUndefined();
    expect(backendUnavailable(c, 'swtpm-restart')).toMatch(/network namespace.*runs on the native target$/);
    expect(backendUnavailable(c, 'token')).toMatch(/SoftHSM2 container.*runs on the native target$/);
    const external = context({ kind: 'external', socket: '/run/parsec/parsec.sock' } as TargetSpec);
    expect(backendUnavailable(external, 'swtpm')).toBe('the external target starts no backend of its own');
  });
});
