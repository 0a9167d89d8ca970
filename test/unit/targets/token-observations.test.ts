import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describePin, readLoginAttempts } from '../../../harness/targets';

const PIN = Buffer.from('31ab09');
const BINARY = Buffer.from([0x61, 0x62, 0xff, 0xfe, 0x63]);

describe('what the quirk token saw, described without the PIN', () => {
  it.each<[Buffer | null, Buffer, string | undefined, string]>([
    [null, PIN, undefined, 'NULL'],
    [Buffer.alloc(0), PIN, undefined, 'empty'],
    [Buffer.alloc(0), Buffer.alloc(0), undefined, "the token's PIN (empty)"],
    [PIN, PIN, undefined, "the token's PIN"],
    [Buffer.concat([PIN, Buffer.from(' ')]), PIN, '31ab09 ', "the token's PIN and 1 more byte"],
    [
      Buffer.from('ab\uFFFD\uFFFDc', 'utf8'),
      BINARY,
      undefined,
      "the token's PIN with its non-UTF-8 bytes replaced by U+FFFD",
    ],
    [
      Buffer.from('ab\u00ff\u00fec', 'utf8'),
      BINARY,
      undefined,
      "the token's PIN bytes as Latin-1 characters, in UTF-8",
    ],
    [Buffer.from('hex:'), PIN, 'hex:31ab09z', 'the text "hex:" alone'],
    [Buffer.from('nope'), PIN, 'nope', 'the configured user_pin text as it is'],
    [Buffer.from('x'), PIN, 'y', 'another PIN of 1 byte'],
  ])('%j against the token PIN is described as %j', (pin, appPin, configured, words) => {
    expect(describePin(pin, appPin, configured)).toBe(words);
  });

  it('reads the record line by line, names the answers, and never returns PIN bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-unit-attempts-'));
    try {
      const file = join(dir, 'login-attempts');
      writeFileSync(
        file,
        `user=1 pin=6:${PIN.toString('hex')} rv=0x0\nuser=1 pin=null rv=0x7\nuser=0 pin=2:6162 rv=0xa0\ngarbage\n`,
      );
      const attempts = readLoginAttempts(file, PIN);
      expect(attempts).toEqual([
        { user: 'user', pin: "the token's PIN", answer: 'CKR_OK' },
        { user: 'user', pin: 'NULL', answer: 'CKR_ARGUMENTS_BAD' },
        { user: 'so', pin: 'another PIN of 2 bytes', answer: 'CKR_PIN_INCORRECT' },
      ]);
      expect(JSON.stringify(attempts)).not.toContain('31ab09');
      expect(readLoginAttempts(join(dir, 'missing'), PIN)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
