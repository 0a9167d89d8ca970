import type { RunContext } from '../../../harness/context';

/** The run context of a small native Mbed Crypto run on Parsec 1.4.1, as globalSetup writes it; `target` adds to it. */
export function runContext(target: Partial<RunContext['target']> = {}): RunContext {
  return {
    formatVersion: 2,
    runId: 'abc123',
    startedAt: '2026-11-29T00:00:00.000Z',
    spec: { kind: 'native', parsec: { from: 'debian', suite: 'trixie' }, providers: [{ key: 'mbed' }] },
    socketPath: '/tmp/x.sock',
    auth: { kind: 'unix-peer' },
    target: {
      kind: 'native',
      parsecVersion: '1.4.1',
      parsecBinary: '/p/parsec',
      parsecSource: 'debian:trixie',
      backends: { mbedtls: '3.6.4-2' },
      startupMs: 300,
      ...target,
    },
    authenticatorsBuiltIn: { direct: false, 'unix-peer-credentials': true, 'jwt-svid': false },
    providers: [
      { id: 1, key: 'mbed', uuid: 'u1', name: 'Mbed Crypto provider', vendor: 'Arm', version: '0.1.0' },
      { id: 0, key: 'core', uuid: 'u0', name: 'Core provider', vendor: '', version: '1.4.1' },
    ],
    requestedProviders: ['mbed'],
    opcodes: { 0: [1], 1: [2] },
    authenticators: [],
    capabilities: {},
    keysAtStart: [],
    metaDir: '/nonexistent',
    outDir: '/nonexistent-out',
  };
}
