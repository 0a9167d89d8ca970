import { rewrittenConfig } from '../../../harness/targets/native/native-service-control';
import type { ParsecConfigSpec } from '../../../harness/targets';

const STARTED: ParsecConfigSpec = {
  allowRoot: true,
  socketPath: '/run/pc/parsec.sock',
  sqliteDbPath: '/run/pc/kim.sqlite3',
  authenticator: 'UnixPeerCredentials',
  providers: [
    { type: 'mbed' },
    { type: 'pkcs11', libraryPath: '/usr/lib/softhsm/libsofthsm2.so', serialNumber: '0123abcd', userPin: 'not-a-pin' },
    { type: 'tpm', tcti: 'swtpm:host=127.0.0.1,port=2321', ownerHierarchyAuth: '' },
  ],
  extra: { core_settings: { body_len_limit: 4096 } },
};

/** The provider_type lines of a config, in order. */
const providerTypes = (text: string): string[] =>
  [...text.matchAll(/^provider_type = "(\w+)"$/gm)].map((m) => m[1] as string);

describe('rewrittenConfig: a new config.toml for a running native target, made from the started one', () => {
  test('without changes it is the started config', () => {
    const text = rewrittenConfig(STARTED, {});
    expect(providerTypes(text)).toEqual(['MbedCrypto', 'Pkcs11', 'Tpm']);
    expect(text).toContain('sqlite_db_path = "/run/pc/kim.sqlite3"');
    expect(text).toContain('body_len_limit = 4096');
  });

  test('providers are a subset in the order asked, each with its started settings', () => {
    const text = rewrittenConfig(STARTED, { providers: ['tpm', 'pkcs11'] });
    expect(providerTypes(text)).toEqual(['Tpm', 'Pkcs11']);
    expect(text).toContain('serial_number = "0123abcd"');
    expect(text).toContain('tcti = "swtpm:host=127.0.0.1,port=2321"');
  });

  test('a provider the target was not started with is refused, naming the ones it has', () => {
    const mbedOnly: ParsecConfigSpec = { ...STARTED, providers: [{ type: 'mbed' }] };
    expect(() => rewrittenConfig(mbedOnly, { providers: ['mbed', 'tpm'] })).toThrow(
      "provider 'tpm' was not started with this target (mbed): its backend is not there",
    );
  });

  test('extra settings merge over the started ones; key store and socket paths can move', () => {
    const text = rewrittenConfig(STARTED, {
      extraConfig: { core_settings: { log_level: 'debug' }, listener: { timeout: 500 } },
      keyStorePath: '/mnt/small/kim.sqlite3',
      socketPath: '/run/pc/other.sock',
    });
    expect(text).toContain('log_level = "debug"');
    expect(text).not.toContain('log_level = "info"');
    expect(text).toContain('body_len_limit = 4096');
    expect(text).toContain('timeout = 500');
    expect(text).toContain('sqlite_db_path = "/mnt/small/kim.sqlite3"');
    expect(text).toContain('socket_path = "/run/pc/other.sock"');
  });

  test('appended text goes verbatim at the end (for a file Parsec must refuse)', () => {
    const text = rewrittenConfig(STARTED, { appendText: '[core_settings\nnot TOML' });
    expect(text.endsWith('\n[core_settings\nnot TOML\n')).toBe(true);
  });
});
