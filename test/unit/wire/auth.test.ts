import { authFor, AuthType, describeAuth, directAuth, noAuth, unixPeerAuth } from '../../../harness/wire';

describe('auth field', () => {
  test('auth type values follow reference A8', () => {
    expect(AuthType).toEqual({ None: 0, Direct: 1, Jwt: 2, UnixPeerCredentials: 3, JwtSvid: 4 });
  });

  test('no auth is an empty field', () => {
    expect(noAuth()).toEqual(Buffer.alloc(0));
  });

  test('direct auth is the app name as UTF-8 without terminator', () => {
    expect(directAuth('root')).toEqual(Buffer.from([0x72, 0x6f, 0x6f, 0x74]));
    expect(directAuth('é')).toEqual(Buffer.from([0xc3, 0xa9]));
  });

  test('unix peer uid 1000 is 4 little-endian bytes', () => {
    expect(unixPeerAuth(1000)).toEqual(Buffer.from([0xe8, 0x03, 0x00, 0x00]));
  });

  test('unix peer defaults to the process uid', () => {
    const uid = process.getuid!();
    expect(unixPeerAuth().readUInt32LE(0)).toBe(uid);
    expect(authFor('unix-peer')).toEqual({ authType: 3, auth: unixPeerAuth(uid) });
  });

  test.each([-1, 2 ** 32, 1.5])('unix peer uid %d is rejected', (uid) => {
    expect(() => unixPeerAuth(uid)).toThrow(RangeError);
  });

  test('authFor maps each configuration to its auth type and field', () => {
    expect(authFor('none')).toEqual({ authType: 0, auth: Buffer.alloc(0) });
    expect(authFor({ direct: 'app' })).toEqual({ authType: 1, auth: Buffer.from('app') });
  });

  test('describeAuth never shows the direct app name', () => {
    expect(describeAuth({ direct: 'secret-app' })).toBe('direct(<redacted 10 bytes>)');
    expect(describeAuth({ direct: 'secret-app' })).not.toContain('secret');
  });
});
