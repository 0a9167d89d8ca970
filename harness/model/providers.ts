import type { ProviderIdValue } from '../wire/provider-id';

/**
 * The providers this harness knows, keyed by the short name used on the command line, in case ids and in
 * reports. Facts (ids, UUIDs, default names, config `provider_type`) come from the Parsec reference, part A6.
 */
export const PROVIDER_KEYS = ['mbed', 'pkcs11', 'tpm'] as const;
export type ProviderKey = (typeof PROVIDER_KEYS)[number];

// The ids are a wire-protocol fact; the facts below hang off them.
export { ProviderId, type ProviderIdValue } from '../wire/provider-id';

export interface ProviderFacts {
  readonly key: ProviderKey | 'core' | 'trusted-service' | 'cryptoauthlib';
  readonly id: ProviderIdValue;
  readonly uuid: string;
  readonly defaultName: string;
  /** Value of `provider_type` in Parsec's config.toml; Core has none. */
  readonly configType?: string;
  /** Human label for reports. */
  readonly label: string;
}

export const PROVIDER_FACTS: Readonly<Record<ProviderIdValue, ProviderFacts>> = {
  0: { key: 'core', id: 0, uuid: '47049873-2a43-4845-9d72-831eab668784', defaultName: 'core-provider', label: 'Core' },
  1: {
    key: 'mbed',
    id: 1,
    uuid: '1c1139dc-ad7c-47dc-ad6b-db6fdb466552',
    defaultName: 'mbed-crypto-provider',
    configType: 'MbedCrypto',
    label: 'Mbed Crypto',
  },
  2: {
    key: 'pkcs11',
    id: 2,
    uuid: '30e39502-eba6-4d60-a4af-c518b7f5e38f',
    defaultName: 'pkcs11-provider',
    configType: 'Pkcs11',
    label: 'PKCS#11',
  },
  3: {
    key: 'tpm',
    id: 3,
    uuid: '1e4954a4-ff21-46d3-ab0c-661eeb667e1d',
    defaultName: 'tpm-provider',
    configType: 'Tpm',
    label: 'TPM',
  },
  4: {
    key: 'trusted-service',
    id: 4,
    uuid: '71129441-508a-4da6-b6e8-7b98a777e4c0',
    defaultName: 'trusted-service-provider',
    configType: 'TrustedService',
    label: 'Trusted Service',
  },
  5: {
    key: 'cryptoauthlib',
    id: 5,
    uuid: 'b8ba81e2-e9f7-4bdd-b096-a29d0019960c',
    defaultName: 'cryptoauthlib-provider',
    configType: 'CryptoAuthLib',
    label: 'CryptoAuthLib',
  },
};

export function providerIdOf(key: ProviderKey): ProviderIdValue {
  const facts = Object.values(PROVIDER_FACTS).find((f) => f.key === key);
  if (!facts) throw new Error(`unknown provider key '${key}'`);
  return facts.id;
}

/** Parses `--providers mbed,pkcs11,tpm`; the error names the bad value and the accepted ones. */
export function parseProviderList(text: string): ProviderKey[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (items.length === 0)
    throw new Error(`--providers is empty; give a comma-separated list of ${PROVIDER_KEYS.join(', ')}`);
  const unknown = items.filter((s) => !(PROVIDER_KEYS as readonly string[]).includes(s));
  if (unknown.length > 0) {
    throw new Error(
      `unknown provider(s) ${unknown.map((u) => `'${u}'`).join(', ')}; expected some of: ${PROVIDER_KEYS.join(', ')}`,
    );
  }
  return [...new Set(items)] as ProviderKey[];
}
