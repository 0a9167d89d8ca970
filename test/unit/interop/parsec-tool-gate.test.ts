import { refusedByGate } from '../../../harness/interop/parsec-tool';
import { RequestRefusedError, setRequestGate } from '../../../harness/wire';

/** parsec-tool's subcommands go through the kit's hang guard like the harness's own requests do. */
describe('refusedByGate (parsec-tool under the hang guard)', () => {
  let remove: () => void;
  beforeAll(() => {
    // A gate as the hang guard installs it: PsaSignHash on provider 2 hung on this socket.
    remove = setRequestGate((r) =>
      r.socketPath === '/run/a.sock' && r.opcode === 'PsaSignHash' && r.provider === 2
        ? 'it hung in case x'
        : undefined,
    );
  });
  afterAll(() => remove());

  it('refuses a subcommand that sends a hung operation, naming the operation, provider and subcommand', () => {
    const refused = refusedByGate(['-p', '2', 'sign', '-k', 'key', 'message'], '/run/a.sock');
    expect(refused).toBeInstanceOf(RequestRefusedError);
    expect(refused?.message).toBe('PsaSignHash on provider 2 was not sent: it hung in case x (parsec-tool sign)');
    expect(refusedByGate(['-p', '2', 'create-csr', '-k', 'key', '--cn', 'x'], '/run/a.sock')?.opcode).toBe(
      'PsaSignHash',
    );
  });

  it('lets through other operations, other providers and other services', () => {
    expect(refusedByGate(['-p', '2', 'encrypt', '-k', 'key', 'm'], '/run/a.sock')).toBeUndefined();
    expect(refusedByGate(['-p', '1', 'sign', '-k', 'key', 'm'], '/run/a.sock')).toBeUndefined();
    expect(refusedByGate(['-p', '2', 'sign', '-k', 'key', 'm'], '/run/b.sock')).toBeUndefined();
    expect(refusedByGate(['ping'], '/run/a.sock')).toBeUndefined();
  });
});
