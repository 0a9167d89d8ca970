import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttestationError,
  defaultRsaEkProtector,
  makeCredential,
  openCredential,
  parseCredblobFile,
} from '../../../harness/attestation';
import { oracleRsaKeyPair } from '../../../harness/oracle/keys';

const ek = oracleRsaKeyPair(2048);
const protector = defaultRsaEkProtector(ek.publicKey);
/** A SHA-256 Name: 0x000B || digest. */
const objectName = Buffer.concat([Buffer.from([0x00, 0x0b]), createHash('sha256').update('an object').digest()]);

/** tpm2-tools' software MakeCredential (`--tcti none`, default EK template from a PEM key). */
function tpm2ToolsMakeCredential(credential: Buffer): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'makecred-'));
  try {
    writeFileSync(join(dir, 'ek.pem'), ek.publicKey.export({ format: 'pem', type: 'spki' }));
    writeFileSync(join(dir, 'secret'), credential);
    execFileSync(
      'tpm2_makecredential',
      [
        '-T',
        'none',
        '-G',
        'rsa',
        '-u',
        join(dir, 'ek.pem'),
        '-s',
        join(dir, 'secret'),
        '-n',
        objectName.toString('hex'),
        '-o',
        join(dir, 'out'),
      ],
      { stdio: 'pipe' },
    );
    return readFileSync(join(dir, 'out'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('makeCredential against tpm2-tools', () => {
  const credential = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  const file = tpm2ToolsMakeCredential(credential);
  const theirs = parseCredblobFile(file);

  it('reads the tpm2-tools file: header, TPM2B_ID_OBJECT of 2+32+2+16 bytes, 256-byte encrypted seed', () => {
    expect(file.subarray(0, 8).toString('hex')).toBe('badcc0de00000001');
    expect(theirs.credentialBlob.length).toBe(2 + 32 + 2 + 16);
    expect(theirs.secret.length).toBe(256);
  });

  it('opens a tpm2-tools credential: seed under OAEP "IDENTITY", KDFa keys, HMAC and CFB agree', () => {
    const opened = openCredential(protector, ek.privateKey, objectName, theirs);
    expect(opened.credential.equals(credential)).toBe(true);
    expect(opened.seed.length).toBe(32);
  });

  it('replaying the tpm2-tools seed gives the same TPM2B_ID_OBJECT byte for byte', () => {
    const { seed } = openCredential(protector, ek.privateKey, objectName, theirs);
    const ours = makeCredential(protector, objectName, credential, seed);
    expect(ours.credentialBlob.toString('hex')).toBe(theirs.credentialBlob.toString('hex'));
  });

  it('refuses the tpm2-tools credential under another Name', () => {
    const other = Buffer.from(objectName);
    other[5]! ^= 1;
    expect(() => openCredential(protector, ek.privateKey, other, theirs)).toThrow(/integrity HMAC/);
  });
});

describe('makeCredential', () => {
  it('round-trips through openCredential with a fresh seed each time', () => {
    const credential = randomBytes(32);
    const a = makeCredential(protector, objectName, credential);
    const b = makeCredential(protector, objectName, credential);
    expect(openCredential(protector, ek.privateKey, objectName, a).credential.equals(credential)).toBe(true);
    expect(a.credentialBlob.equals(b.credentialBlob)).toBe(false);
  });

  it('detects one flipped bit of encIdentity', () => {
    const made = makeCredential(protector, objectName, Buffer.alloc(16, 0x11));
    const blob = Buffer.from(made.credentialBlob);
    blob[blob.length - 1]! ^= 1;
    expect(() => openCredential(protector, ek.privateKey, objectName, { ...made, credentialBlob: blob })).toThrow(
      AttestationError,
    );
  });

  it('refuses a credential longer than the nameAlg digest and a seed of the wrong size', () => {
    expect(() => makeCredential(protector, objectName, Buffer.alloc(33))).toThrow(/at most 32 bytes/);
    expect(() => makeCredential(protector, objectName, Buffer.alloc(16), Buffer.alloc(31))).toThrow(/32 bytes/);
  });

  it('the default EK template is RSA: an EC key is refused', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    expect(() => defaultRsaEkProtector(publicKey)).toThrow(/RSA/);
  });
});

describe('parseCredblobFile', () => {
  const good = Buffer.concat([
    Buffer.from('badcc0de', 'hex'), // magic
    Buffer.from('00000001', 'hex'), // version
    Buffer.from('0002abcd', 'hex'), // TPM2B_ID_OBJECT
    Buffer.from('0001ef', 'hex'), // TPM2B_ENCRYPTED_SECRET
  ]);

  it('returns the two TPM2B contents', () => {
    const parsed = parseCredblobFile(good);
    expect(parsed.credentialBlob.toString('hex')).toBe('abcd');
    expect(parsed.secret.toString('hex')).toBe('ef');
  });

  it('names a wrong magic, a wrong version, a truncation and trailing bytes', () => {
    const badMagic = Buffer.from(good);
    badMagic[0] = 0;
    expect(() => parseCredblobFile(badMagic)).toThrow(/magic/);
    const badVersion = Buffer.from(good);
    badVersion[7] = 2;
    expect(() => parseCredblobFile(badVersion)).toThrow(/version 2/);
    expect(() => parseCredblobFile(good.subarray(0, good.length - 1))).toThrow(/TPM2B_ENCRYPTED_SECRET needs 1 bytes/);
    expect(() => parseCredblobFile(Buffer.concat([good, Buffer.from([0])]))).toThrow(/trailing/);
  });
});
