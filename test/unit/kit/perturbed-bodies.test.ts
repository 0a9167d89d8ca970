import { bodyWith, bodyWithout, MANGLED_BODY } from '../../../harness/kit/perturbed-bodies';
import { decodeMessage, operationTypeName, encodeOperation, type OperationOf } from '../../../harness/wire';

const op: OperationOf<'PsaGenerateKey'> = {
  keyName: 'k',
  attributes: {
    keyType: { type: 'EccKeyPair', curveFamily: 'SecpR1' },
    keyBits: 256,
    policy: { usage: { signHash: true }, algorithm: { alg: 'Ecdsa', hash: 'Sha256' } },
  },
};
const decode = (body: Buffer) => decodeMessage(operationTypeName('PsaGenerateKey', 'Operation'), body);

describe('perturbed bodies', () => {
  it('leaves exactly the named field out', () => {
    const full = decode(encodeOperation('PsaGenerateKey', op));
    const without = decode(bodyWithout('PsaGenerateKey', op, 'attributes.key_policy'));
    expect((full.attributes as Record<string, unknown>).key_policy).toBeDefined();
    expect((without.attributes as Record<string, unknown>).key_policy ?? undefined).toBeUndefined();
    expect((without.attributes as Record<string, unknown>).key_type).toEqual(
      (full.attributes as Record<string, unknown>).key_type,
    );
    expect(without.key_name).toBe('k');
    expect(decode(bodyWithout('PsaGenerateKey', op, 'attributes')).attributes ?? undefined).toBeUndefined();
  });

  it('replaces a nested field, e.g. the curve family with ECC_FAMILY_NONE', () => {
    const body = decode(bodyWith('PsaGenerateKey', op, 'attributes.key_type.ecc_key_pair.curve_family', 0));
    expect(body).toMatchObject({ attributes: { key_type: { ecc_key_pair: { curve_family: 0 } } } });
  });

  it('refuses a path that names nothing, so a test cannot silently send a valid body', () => {
    expect(() => bodyWithout('PsaGenerateKey', op, 'attributes.no_such_field')).toThrow(/not set/);
    expect(() => bodyWithout('PsaGenerateKey', op, 'key_name.deeper')).toThrow(/not a message/);
  });

  it("the mangled body of Parsec's mangled_ping does not parse", () => {
    expect(() => decodeMessage(operationTypeName('Ping', 'Operation'), MANGLED_BODY)).toThrow();
  });
});
