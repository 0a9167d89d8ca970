import { createPublicKey } from 'node:crypto';
import { parseAndVerifyCsr, spkiOf } from '../../../harness/oracle/csr';

// Made by parsec-tool 0.7.0 (`create-csr -k … --cn example.org`) with a P-256 key on Parsec 1.4.1's Mbed Crypto provider.
const ECC_CSR = `-----BEGIN CERTIFICATE REQUEST-----
MIHQMHgCAQAwFjEUMBIGA1UEAwwLZXhhbXBsZS5vcmcwWTATBgcqhkjOPQIBBggq
hkjOPQMBBwNCAAQd809eJvrTIHVpVpNSz8XsujBx4zRhF4Bv/3oyLJkDJzClotkm
zfvIq5gSLCwT5cxrLUuQ2nKgAvg69BIXuRkToAAwCgYIKoZIzj0EAwIDSAAwRQIg
Zj/aUCQ15AsrSNvDEQTq366oG2Bv/VJrMGTZWe+V/bMCIQCapFwy++tadNu/5MDE
2JscF4g8jNPvvpxsXRnyk88QrA==
-----END CERTIFICATE REQUEST-----
`;
// The public key parsec-tool's export-public-key printed for the same key.
const ECC_PUBLIC = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEHfNPXib60yB1aVaTUs/F7LowceM0
YReAb/96MiyZAycwpaLZJs37yKuYEiwsE+XMay1LkNpyoAL4OvQSF7kZEw==
-----END PUBLIC KEY-----
`;
// Made by OpenSSL (`req -new -newkey rsa:1024 -subj "/CN=vector.example/O=Parsec Conformance" -sha256`).
const RSA_CSR = `-----BEGIN CERTIFICATE REQUEST-----
MIIBdTCB3wIBADA2MRcwFQYDVQQDDA52ZWN0b3IuZXhhbXBsZTEbMBkGA1UECgwS
UGFyc2VjIENvbmZvcm1hbmNlMIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDi
mEWYAlBPGrhXUETEPwxShp7aaFbo8uytdBwOGzxJROZ0B+omZPT7AtKX0DEpu9oe
XrMaz+8foEjZPIKfV/zleCkxy6gZJ+qcf9YQWVKYsLvwhezo9/Y3sPRRbcTgebDh
3DE7jtDd9N1T7mVCIUcglajKaUZZN9uYjWHW0XDZ4QIDAQABoAAwDQYJKoZIhvcN
AQELBQADgYEA2Tvy2QeKF6rYU30rb++vYMQDHyEEBtvGGfRx45foR30iNkpsZjao
063RqvHq95rmaGsNXikODTLUqD8A+j6LmPNW6S2vzz93NAYj2favo7SwDjxscY/C
V+HQLaGyr05jIx5bIzLaQg5pD16DVMgYFGqBL/K+sn7jVjPpNhVIsYc=
-----END CERTIFICATE REQUEST-----
`;

/** The PEM with one byte of its DER changed. */
function tampered(pem: string, at: number): string {
  const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const der = Buffer.from(body, 'base64');
  der[at] = (der[at] as number) ^ 0x01;
  return `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
}

describe('parseAndVerifyCsr', () => {
  it("reads parsec-tool's ECDSA CSR: subject, public key, verified self-signature", () => {
    const csr = parseAndVerifyCsr(ECC_CSR);
    expect(csr.subject).toEqual({ CN: 'example.org' });
    expect(csr.signatureAlgorithm).toBe('ecdsa-with-SHA256');
    expect(csr.spki.equals(spkiOf(createPublicKey(ECC_PUBLIC)))).toBe(true);
  });

  it('reads an RSA PKCS#1 v1.5 SHA-256 CSR with two subject attributes', () => {
    const csr = parseAndVerifyCsr(RSA_CSR);
    expect(csr.subject).toEqual({ CN: 'vector.example', O: 'Parsec Conformance' });
    expect(csr.signatureAlgorithm).toBe('sha256WithRSAEncryption');
    expect(csr.publicKey.asymmetricKeyDetails?.modulusLength).toBe(1024);
  });

  it('refuses a CSR whose subject was changed after signing', () => {
    // Byte 22 lies in the CN's value ("example.org").
    expect(() => parseAndVerifyCsr(tampered(ECC_CSR, 22))).toThrow(/self-signature does not verify/);
  });

  it('refuses a CSR whose signature was changed', () => {
    const der = Buffer.from(RSA_CSR.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
    expect(() => parseAndVerifyCsr(tampered(RSA_CSR, der.length - 1))).toThrow(/does not verify/);
  });

  it('says so when the output holds no CSR', () => {
    expect(() => parseAndVerifyCsr(ECC_PUBLIC)).toThrow(/no "BEGIN CERTIFICATE REQUEST" PEM block/);
  });
});
