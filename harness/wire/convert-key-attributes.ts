import { algorithmFromProto, algorithmToProto } from './convert-algorithm';
import { DH_FAMILY_VALUES, ECC_FAMILY_VALUES } from './convert-enums';
import { ProtoReader, withoutDefaults } from './proto-object';
import type { ProtoObject } from './protobuf';
import type { KeyAttributes, KeyType, KeyTypeName, UsageFlag, UsageFlags } from './types';
import { USAGE_FLAGS } from './types';

// Plain key attributes ⇄ `parsec.psa_key_attributes.KeyAttributes`. key_type, key_policy and both policy
// members are mandatory sub-messages: always emitted, even when empty (reference B4).

const KEY_TYPE_MEMBERS: Readonly<Record<KeyTypeName, string>> = {
  RawData: 'raw_data',
  Hmac: 'hmac',
  Derive: 'derive',
  Aes: 'aes',
  Des: 'des',
  Camellia: 'camellia',
  Arc4: 'arc4',
  Chacha20: 'chacha20',
  RsaPublicKey: 'rsa_public_key',
  RsaKeyPair: 'rsa_key_pair',
  EccKeyPair: 'ecc_key_pair',
  EccPublicKey: 'ecc_public_key',
  DhKeyPair: 'dh_key_pair',
  DhPublicKey: 'dh_public_key',
};

const USAGE_FIELDS: Readonly<Record<UsageFlag, string>> = {
  export: 'export',
  copy: 'copy',
  cache: 'cache',
  encrypt: 'encrypt',
  decrypt: 'decrypt',
  signMessage: 'sign_message',
  verifyMessage: 'verify_message',
  signHash: 'sign_hash',
  verifyHash: 'verify_hash',
  derive: 'derive',
};

export function keyTypeToProto(keyType: KeyType): ProtoObject {
  const member = KEY_TYPE_MEMBERS[keyType.type];
  switch (keyType.type) {
    case 'EccKeyPair':
    case 'EccPublicKey':
      return { [member]: withoutDefaults({ curve_family: ECC_FAMILY_VALUES[keyType.curveFamily] }) };
    case 'DhKeyPair':
    case 'DhPublicKey':
      return { [member]: withoutDefaults({ group_family: DH_FAMILY_VALUES[keyType.groupFamily] }) };
    default:
      return { [member]: {} };
  }
}

export function keyTypeFromProto(r: ProtoReader): KeyType {
  const names = Object.keys(KEY_TYPE_MEMBERS) as KeyTypeName[];
  const member = r.oneof('variant', Object.values(KEY_TYPE_MEMBERS));
  const type = names.find((n) => KEY_TYPE_MEMBERS[n] === member)!;
  switch (type) {
    case 'EccKeyPair':
    case 'EccPublicKey':
      return { type, curveFamily: r.message(member).enumValue('curve_family', ECC_FAMILY_VALUES, 'EccFamily') };
    case 'DhKeyPair':
    case 'DhPublicKey':
      return { type, groupFamily: r.message(member).enumValue('group_family', DH_FAMILY_VALUES, 'DhFamily') };
    default:
      return { type };
  }
}

export function usageFlagsToProto(usage: UsageFlags): ProtoObject {
  const out: ProtoObject = {};
  for (const flag of USAGE_FLAGS) out[USAGE_FIELDS[flag]] = usage[flag] === true;
  return withoutDefaults(out);
}

/** Only the set flags, the way suites write them, so terse attributes round-trip to an equal object. */
export function usageFlagsFromProto(r: ProtoReader): UsageFlags {
  const out: { [F in UsageFlag]?: boolean } = {};
  for (const flag of USAGE_FLAGS) if (r.bool(USAGE_FIELDS[flag])) out[flag] = true;
  return out;
}

export function keyAttributesToProto(attrs: KeyAttributes): ProtoObject {
  return withoutDefaults({
    key_type: keyTypeToProto(attrs.keyType),
    key_bits: attrs.keyBits,
    key_policy: {
      key_usage_flags: usageFlagsToProto(attrs.policy.usage),
      key_algorithm: algorithmToProto(attrs.policy.algorithm),
    },
  });
}

export function keyAttributesFromProto(r: ProtoReader): KeyAttributes {
  const policy = r.message('key_policy');
  return {
    keyType: keyTypeFromProto(r.message('key_type')),
    keyBits: r.uint('key_bits'),
    policy: {
      usage: usageFlagsFromProto(policy.message('key_usage_flags')),
      algorithm: algorithmFromProto(policy.message('key_algorithm')),
    },
  };
}
