import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { OracleError } from './oracle-error';

/** One DER element: its tag, its content, and the whole encoding (tag and length included). */
interface DerElement {
  readonly tag: number;
  readonly content: Buffer;
  readonly encoded: Buffer;
}

function readElement(buf: Buffer, at: number, what: string): { el: DerElement; next: number } {
  if (at + 2 > buf.length) throw new OracleError(`CSR: ${what} is cut short at byte ${at}`);
  const tag = buf[at] as number;
  let len = buf[at + 1] as number;
  let head = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || at + 2 + n > buf.length) throw new OracleError(`CSR: ${what} has a bad length at ${at}`);
    len = 0;
    for (let i = 0; i < n; i += 1) len = len * 256 + (buf[at + 2 + i] as number);
    head += n;
  }
  const end = at + head + len;
  if (end > buf.length) throw new OracleError(`CSR: ${what} runs past the end (${end} > ${buf.length} bytes)`);
  return { el: { tag, content: buf.subarray(at + head, end), encoded: buf.subarray(at, end) }, next: end };
}

/** The elements of a constructed element's content, in order. */
function children(el: DerElement, what: string): DerElement[] {
  const out: DerElement[] = [];
  let at = 0;
  while (at < el.content.length) {
    const r = readElement(el.content, at, what);
    out.push(r.el);
    at = r.next;
  }
  return out;
}

function expectTag(el: DerElement | undefined, tag: number, what: string): DerElement {
  if (!el || el.tag !== tag) {
    throw new OracleError(
      `CSR: ${what} should have tag 0x${tag.toString(16)}, got ${el ? `0x${el.tag.toString(16)}` : 'nothing'}`,
    );
  }
  return el;
}

function oidText(content: Buffer): string {
  const parts: number[] = [];
  let value = 0;
  for (const byte of content) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  const first = parts.shift() ?? 0;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

/** Signature algorithms a CSR of parsec-tool's may carry, by OID: Node's digest name and the key type. */
const SIGNATURE_ALGORITHMS: Readonly<Record<string, { readonly hash: string; readonly name: string }>> = {
  '1.2.840.10045.4.3.2': { hash: 'sha256', name: 'ecdsa-with-SHA256' },
  '1.2.840.10045.4.3.3': { hash: 'sha384', name: 'ecdsa-with-SHA384' },
  '1.2.840.10045.4.3.4': { hash: 'sha512', name: 'ecdsa-with-SHA512' },
  '1.2.840.113549.1.1.11': { hash: 'sha256', name: 'sha256WithRSAEncryption' },
  '1.2.840.113549.1.1.12': { hash: 'sha384', name: 'sha384WithRSAEncryption' },
  '1.2.840.113549.1.1.13': { hash: 'sha512', name: 'sha512WithRSAEncryption' },
};

const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
};

export interface ParsedCsr {
  /** The subject's attributes by short name (CN, O, …); an unknown attribute by its OID. */
  readonly subject: Readonly<Record<string, string>>;
  readonly publicKey: KeyObject;
  /** The SubjectPublicKeyInfo as DER, to compare with a key exported another way. */
  readonly spki: Buffer;
  readonly signatureAlgorithm: string;
  readonly signature: Buffer;
}

/** Reads a PKCS#10 CertificationRequest (RFC 2986) from PEM and checks its self-signature with Node's crypto. */
export function parseAndVerifyCsr(pem: string): ParsedCsr {
  const match = /-----BEGIN CERTIFICATE REQUEST-----([\s\S]*?)-----END CERTIFICATE REQUEST-----/.exec(pem);
  if (!match) throw new OracleError('CSR: no "BEGIN CERTIFICATE REQUEST" PEM block in the output');
  const der = Buffer.from((match[1] ?? '').replace(/\s+/g, ''), 'base64');
  const top = readElement(der, 0, 'CertificationRequest');
  if (top.next !== der.length) throw new OracleError(`CSR: ${der.length - top.next} bytes after the request`);
  const [info, algorithm, signatureBits] = children(expectTag(top.el, 0x30, 'CertificationRequest'), 'request');
  const infoParts = children(expectTag(info, 0x30, 'certificationRequestInfo'), 'certificationRequestInfo');
  const version = expectTag(infoParts[0], 0x02, 'version');
  if (!version.content.equals(Buffer.from([0]))) throw new OracleError('CSR: version is not 0 (v1)');
  const subject: Record<string, string> = {};
  for (const rdn of children(expectTag(infoParts[1], 0x30, 'subject'), 'subject')) {
    for (const atv of children(expectTag(rdn, 0x31, 'RelativeDistinguishedName'), 'RDN')) {
      const [type, value] = children(expectTag(atv, 0x30, 'AttributeTypeAndValue'), 'AttributeTypeAndValue');
      const oid = oidText(expectTag(type, 0x06, 'attribute type').content);
      subject[ATTRIBUTE_NAMES[oid] ?? oid] = (value?.content ?? Buffer.alloc(0)).toString('utf8');
    }
  }
  const spki = Buffer.from(expectTag(infoParts[2], 0x30, 'subjectPKInfo').encoded);
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch (e) {
    throw new OracleError(`CSR: its SubjectPublicKeyInfo does not parse: ${(e as Error).message}`);
  }
  const algOid = oidText(
    expectTag(children(expectTag(algorithm, 0x30, 'signatureAlgorithm'), 'alg')[0], 0x06, 'algorithm').content,
  );
  const alg = SIGNATURE_ALGORITHMS[algOid];
  if (!alg) throw new OracleError(`CSR: signature algorithm ${algOid} is not one the oracle checks`);
  const bits = expectTag(signatureBits, 0x03, 'signature');
  if (bits.content[0] !== 0) throw new OracleError('CSR: the signature BIT STRING has unused bits');
  const signature = Buffer.from(bits.content.subarray(1));
  // ECDSA signatures in X.509 are DER SEQUENCE { r, s }, Node's default encoding; RSA is PKCS#1 v1.5 here.
  if (!verify(alg.hash, (info as DerElement).encoded, publicKey, signature)) {
    throw new OracleError(`CSR: the ${alg.name} self-signature does not verify with the request's own public key`);
  }
  return { subject, publicKey, spki, signatureAlgorithm: alg.name, signature };
}

/** The SubjectPublicKeyInfo DER of a public key, for comparing keys that came in different encodings. */
export function spkiOf(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' });
}
