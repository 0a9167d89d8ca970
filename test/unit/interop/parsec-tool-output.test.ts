import { generateKeyPairSync, sign, verify } from 'node:crypto';
import {
  base64Output,
  ecdsaDerToRaw,
  listedEntries,
  listedNames,
  listedOpcodes,
} from '../../../fixtures/interop/parsec-tool';
import { clientImageSlug } from '../../../harness/interop';
import { listSuites } from '../../../harness/run/suite-files';

// Outputs as parsec-tool 0.7.0 prints them (seen against Parsec 1.4.1 and 1.5.0).
const LIST_KEYS = `* rsa1 (Mbed Crypto provider, RsaKeyPair, 2048 bits, permitted algorithm: AsymmetricEncryption(RsaPkcs1v15Crypt))
* pc-abc-1-tool (PKCS #11 provider, EccKeyPair { curve_family: SecpR1 }, 256 bits, permitted algorithm: AsymmetricSignature(Ecdsa { hash_alg: Specific(Sha256) }))
`;
const LIST_PROVIDERS = `ID: 0x01 (Mbed Crypto provider)
Description: User space software provider, based on Mbed Crypto - the reference implementation of the PSA crypto API
Version: 0.1.0
Vendor: Arm
UUID: 1c1139dc-ad7c-47dc-ad6b-db6fdb466552

ID: 0x00 (Core provider)
Description: Software provider that implements only administrative (i.e. no cryptographic) operations
Version: 1.5.0
Vendor: Unspecified
UUID: 47049873-2a43-4845-9d72-831eab668784

`;
const LIST_OPCODES = `0x06 (PsaImportKey)
0x0b (PsaAsymmetricDecrypt)
0x20 (CanDoCrypto)
0x02 (PsaGenerateKey)
`;

describe("parsec-tool's outputs", () => {
  it('list-keys: the key names', () => {
    expect(listedNames(LIST_KEYS)).toEqual(['rsa1', 'pc-abc-1-tool']);
    expect(listedNames('')).toEqual([]);
  });

  it('list-providers: id, version and UUID of each block', () => {
    expect(listedEntries(LIST_PROVIDERS)).toEqual([
      { id: 1, version: '0.1.0', uuid: '1c1139dc-ad7c-47dc-ad6b-db6fdb466552' },
      { id: 0, version: '1.5.0', uuid: '47049873-2a43-4845-9d72-831eab668784' },
    ]);
  });

  it('list-opcodes: the codes, sorted', () => {
    expect(listedOpcodes(LIST_OPCODES)).toEqual([0x02, 0x06, 0x0b, 0x20]);
  });

  it('base64 output: the whole output or an error naming the command', () => {
    expect(base64Output('aGVsbG8=\n', 'sign')).toEqual(Buffer.from('hello'));
    expect(() => base64Output('[ERROR] no key\n', 'sign')).toThrow(/sign: parsec-tool printed no base64/);
  });

  it('a DER ECDSA signature becomes r||s that Node verifies as IEEE P1363', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    for (let i = 0; i < 20; i += 1) {
      const message = Buffer.from(`message ${i}`);
      const der = sign('sha256', message, privateKey);
      const raw = ecdsaDerToRaw(der, 32);
      expect(raw.length).toBe(64);
      expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
    }
    expect(() => ecdsaDerToRaw(Buffer.from([0x04, 0x00]), 32)).toThrow(/not DER SEQUENCE/);
  });
});

describe('the client-image slot', () => {
  it('names a client image in case ids by its last path segment, without tag or digest', () => {
    expect(clientImageSlug('parsec-conformance/parsec-tool-trixie:22720a40a2aaf7f7')).toBe('parsec-tool-trixie');
    expect(clientImageSlug('registry.example:5000/team/Hello_Parsec@sha256:abc')).toBe('hello-parsec');
    expect(clientImageSlug('hello')).toBe('hello');
  });

  it('is not a suite: --list and full runs leave suites/client/ out', () => {
    const ids = listSuites().map((s) => s.id);
    expect(ids).toContain('interop/parsec-tool');
    expect(ids.filter((id) => id.startsWith('client/'))).toEqual([]);
  });
});
