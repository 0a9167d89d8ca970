/** Auth types and auth-field encodings (reference A8). */

export const AuthType = {
  None: 0,
  Direct: 1,
  Jwt: 2,
  UnixPeerCredentials: 3,
  JwtSvid: 4,
} as const;
export type AuthTypeName = keyof typeof AuthType;
export type AuthTypeValue = (typeof AuthType)[AuthTypeName];

/** How a client authenticates. The app name of `direct` is a secret: it never reaches a message or log. */
export type AuthConfig = 'none' | { readonly direct: string } | 'unix-peer';

export function noAuth(): Buffer {
  return Buffer.alloc(0);
}

/** The app name as UTF-8 without terminator; the service rejects an empty name, which tests may want to send. */
export function directAuth(appName: string): Buffer {
  return Buffer.from(appName, 'utf8');
}

/** Exactly 4 bytes, little-endian; the service compares them with SO_PEERCRED's uid. */
export function unixPeerAuth(uid: number = currentUid()): Buffer {
  if (!Number.isInteger(uid) || uid < 0 || uid > 0xffffffff) {
    throw new RangeError(`unix peer uid must be a u32, got ${uid}`);
  }
  const buf = Buffer.alloc(4);
  buf.writeUInt32LE(uid, 0);
  return buf;
}

function currentUid(): number {
  if (typeof process.getuid !== 'function') {
    throw new Error('unix peer credentials need process.getuid(), which this platform lacks');
  }
  return process.getuid();
}

/** The auth_type header byte and auth field for a configuration. */
export function authFor(config: AuthConfig): { readonly authType: AuthTypeValue; readonly auth: Buffer } {
  if (config === 'none') return { authType: AuthType.None, auth: noAuth() };
  if (config === 'unix-peer') return { authType: AuthType.UnixPeerCredentials, auth: unixPeerAuth() };
  return { authType: AuthType.Direct, auth: directAuth(config.direct) };
}

/** A description of the configuration that is safe to print. */
export function describeAuth(config: AuthConfig): string {
  if (config === 'none') return 'none';
  if (config === 'unix-peer') return 'unix-peer';
  return `direct(<redacted ${Buffer.byteLength(config.direct, 'utf8')} bytes>)`;
}
