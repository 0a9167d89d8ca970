import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectServiceAlive, logFileTail, tailForMessage } from '../../../harness/kit/liveness';
import { echoedShape, expectRawStatus, phaseOneShape } from '../../../harness/kit/malformed-request';
import type { RawResponse } from '../../../harness/wire';

describe('service liveness and log tails', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'proto-unit-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the last lines and withholds lines that mention a PIN', () => {
    const text = ['one', 'two', 'user_pin = "123456"', 'four', ''].join('\n');
    expect(tailForMessage(text, 3)).toBe('two\n<line withheld: it mentions a PIN>\nfour');
  });

  it('says so when there is no log, or when the harness has none for the service', () => {
    expect(logFileTail(join(dir, 'parsec.log'))).toMatch(/no service log at/);
    expect(logFileTail(undefined)).toMatch(/no access to the log/);
  });

  it('fails with the log tail when nothing answers Ping', async () => {
    writeFileSync(join(dir, 'parsec.log'), 'line a\nthread panicked at the end\n');
    const log = () => logFileTail(join(dir, 'parsec.log'));
    await expect(expectServiceAlive(join(dir, 'parsec.sock'), 'a bad header', log)).rejects.toThrow(
      /did not answer Ping after a bad header[\s\S]*thread panicked at the end/,
    );
  });
});

describe('raw response checks', () => {
  const response = (status: number, statusName: string): RawResponse =>
    ({ status, statusName, header: {}, body: Buffer.alloc(0) }) as unknown as RawResponse;

  it('names the expected and the received status', () => {
    expect(() => expectRawStatus(response(15, 'ConnectionError'), 'InvalidHeader', 'bad magic')).toThrow(
      'bad magic: expected InvalidHeader (17), got ConnectionError (15)',
    );
    expect(() => expectRawStatus(response(17, 'InvalidHeader'), 'InvalidHeader', 'bad magic')).not.toThrow();
  });

  it('describes the phase-1 and echoed response shapes', () => {
    expect(phaseOneShape()).toEqual({ provider: 0, session: '0', opcode: 1, body: 0 });
    expect(echoedShape({ provider: 3, session: 2n ** 63n, opcode: 4 })).toEqual({
      provider: 3,
      session: '9223372036854775808',
      opcode: 4,
      body: 0,
    });
  });
});
