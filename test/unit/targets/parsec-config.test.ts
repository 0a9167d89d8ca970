import { renderParsecConfig, renderProbeConfig, type ParsecConfigSpec } from '../../../harness/targets';

const PIN = 'c0ffee0123456789abcdef00';

const base: ParsecConfigSpec = {
  allowRoot: true,
  socketPath: '/tmp/run/parsec.sock',
  sqliteDbPath: '/tmp/run/kim.sqlite3',
  authenticator: 'UnixPeerCredentials',
  providers: [{ type: 'mbed' }],
};

const all: ParsecConfigSpec = {
  ...base,
  providers: [
    { type: 'tpm', tcti: 'swtpm:host=127.0.0.1,port=40001', ownerHierarchyAuth: '' },
    { type: 'mbed' },
    { type: 'pkcs11', libraryPath: '/usr/lib/softhsm/libsofthsm2.so', serialNumber: '6e4ea121f86e513c', userPin: PIN },
  ],
};

describe('renderParsecConfig', () => {
  test('core settings, listener, authenticator and key manager for Mbed Crypto alone', () => {
    expect(renderParsecConfig(base)).toBe(
      [
        '[core_settings]',
        'allow_root = true',
        'idle_listener_sleep_duration = 1',
        'log_level = "info"',
        'log_timestamp = true',
        'log_error_details = true',
        '',
        '[listener]',
        'listener_type = "DomainSocket"',
        'timeout = 3000',
        'socket_path = "/tmp/run/parsec.sock"',
        '',
        '[authenticator]',
        'auth_type = "UnixPeerCredentials"',
        '',
        '[[key_manager]]',
        'name = "sqlite-manager"',
        'manager_type = "SQLite"',
        'sqlite_db_path = "/tmp/run/kim.sqlite3"',
        '',
        '[[provider]]',
        'provider_type = "MbedCrypto"',
        'key_info_manager = "sqlite-manager"',
        '',
      ].join('\n'),
    );
  });

  test('providers keep the requested order with their own settings', () => {
    const text = renderParsecConfig(all);
    const providers = text.split('[[provider]]\n').slice(1);
    expect(providers).toEqual([
      'provider_type = "Tpm"\nkey_info_manager = "sqlite-manager"\ntcti = "swtpm:host=127.0.0.1,port=40001"\nowner_hierarchy_auth = ""\n\n',
      'provider_type = "MbedCrypto"\nkey_info_manager = "sqlite-manager"\n\n',
      'provider_type = "Pkcs11"\nkey_info_manager = "sqlite-manager"\nlibrary_path = "/usr/lib/softhsm/libsofthsm2.so"\n' +
        `serial_number = "6e4ea121f86e513c"\nuser_pin = "${PIN}"\n`,
    ]);
  });

  test('the PIN appears on the user_pin line and nowhere else', () => {
    const lines = renderParsecConfig(all).split('\n');
    expect(lines.filter((l) => l.includes(PIN))).toEqual([`user_pin = "${PIN}"`]);
  });

  test('allow_root follows the spec, Direct authenticator with admins', () => {
    const text = renderParsecConfig({ ...base, allowRoot: false, authenticator: 'Direct', admins: ['0', 'ad"min'] });
    expect(text).toContain('allow_root = false\n');
    expect(text).toContain('[authenticator]\nauth_type = "Direct"\nadmins = [{ name = "0" }, { name = "ad\\"min" }]\n');
  });

  test('no admins line without admins', () => {
    expect(renderParsecConfig({ ...base, admins: [] })).not.toContain('admins');
  });

  test('paths with quotes, backslashes and control characters are escaped', () => {
    const text = renderParsecConfig({ ...base, socketPath: '/tmp/a "b"\\c\nd\u0001.sock' });
    expect(text).toContain('socket_path = "/tmp/a \\"b\\"\\\\c\\nd\\u0001.sock"\n');
  });

  test('rejects an empty provider list and a provider listed twice', () => {
    expect(() => renderParsecConfig({ ...base, providers: [] })).toThrow('at least one provider');
    expect(() => renderParsecConfig({ ...base, providers: [{ type: 'mbed' }, { type: 'mbed' }] })).toThrow(
      "provider 'mbed' is listed twice",
    );
  });

  test('extra settings override an entry in place and add the others', () => {
    const text = renderParsecConfig({
      ...base,
      extra: { core_settings: { log_level: 'debug', body_len_limit: 1024 }, listener: { timeout: 500 } },
    });
    expect(text).toContain(
      '[core_settings]\nallow_root = true\nidle_listener_sleep_duration = 1\nlog_level = "debug"\nlog_timestamp = true\nlog_error_details = true\nbody_len_limit = 1024\n',
    );
    expect(text).toContain('[listener]\nlistener_type = "DomainSocket"\ntimeout = 500\n');
  });

  test("a PKCS#11 provider of a module of the user's: slot instead of serial, and no user_pin line when there is no PIN", () => {
    const text = renderParsecConfig({
      ...base,
      providers: [{ type: 'pkcs11', libraryPath: '/opt/vendor.so', slotNumber: 3 }],
    });
    expect(text).toContain('library_path = "/opt/vendor.so"\nslot_number = 3\n');
    expect(text).not.toContain('user_pin');
    expect(text).not.toContain('serial_number');
  });

  test('a probe config has the authenticator and no provider', () => {
    const text = renderProbeConfig({ ...base, authenticator: 'JwtSvid' });
    expect(text).toContain('auth_type = "JwtSvid"');
    expect(text).not.toContain('[[provider]]');
  });
});
