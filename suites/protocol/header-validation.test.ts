import { echoedShape, echoOf, expectRawStatus, phaseOneShape, sendMalformed, defineSuite } from '../../harness/kit';
import {
  AuthType,
  defaultHeader,
  directAuth,
  encodeHeader,
  opcodeCode,
  WIRE_HDR_SIZE,
  type ParsecClient,
  type RawRequest,
  type StatusName,
  type WireHeader,
} from '../../harness/wire';

// A request that would be valid (ListProviders to Core, no auth needed) except for the one field a case changes. Its
// session and opcode are distinctive, so a response that echoes them is told apart from one that does not.
const SESSION = 0x0123456789abcdefn;
const LIST_PROVIDERS = opcodeCode('ListProviders');
const BODY_LEN_LIMIT = 1 << 20;

function header(overrides: Partial<WireHeader> = {}): Partial<WireHeader> {
  return { provider: 0, opcode: LIST_PROVIDERS, session: SESSION, ...overrides };
}

/** Header bytes whose hdr_size says `hdrSize`, followed by that many bytes, so the service reads all it announces. */
function withHdrSize(hdrSize: number): Buffer {
  const bytes = encodeHeader(defaultHeader({ ...header(), authType: AuthType.None }));
  bytes.writeUInt16LE(hdrSize, 4);
  const rest = bytes.subarray(6);
  const announced = hdrSize > rest.length ? Buffer.concat([rest, Buffer.alloc(hdrSize - rest.length)]) : rest;
  return Buffer.concat([bytes.subarray(0, 6), announced]);
}

/** A phase-1 (parse) error: the exact status, nothing echoed, empty body, and the service still answers Ping. */
async function expectParseError(
  client: ParsecClient,
  request: RawRequest,
  status: StatusName,
  what: string,
): Promise<void> {
  const res = await sendMalformed(client, request, what);
  expectRawStatus(res, status, what);
  expect(echoOf(res)).toEqual(phaseOneShape());
}

defineSuite(
  { name: 'header-validation', opcode: 'Ping', description: 'the service checks every request header field' },
  (s) => {
    const unixPeer = s.context.auth.kind === 'unix-peer';

    s.core((c) => {
      c.case('magic 0xDEADBEEF is answered InvalidHeader', async ({ client }) => {
        await expectParseError(
          client,
          { header: header({ magic: 0xdeadbeef }), closeAfterWrite: true },
          'InvalidHeader',
          'bad magic',
        );
      });

      c.case('magic with one byte changed (0x5EC0A711) is answered InvalidHeader', async ({ client }) => {
        await expectParseError(
          client,
          { header: header({ magic: 0x5ec0a711 }), closeAfterWrite: true },
          'InvalidHeader',
          'magic off by one',
        );
      });

      for (const hdrSize of [0, 29, 31, 0xffff]) {
        c.case(`hdr_size ${hdrSize} (followed by that many bytes) is answered InvalidHeader`, async ({ client }) => {
          await expectParseError(
            client,
            { rawBytes: withHdrSize(hdrSize), closeAfterWrite: true },
            'InvalidHeader',
            `hdr_size ${hdrSize}`,
          );
        });
      }

      for (const [maj, min] of [
        [0, 9],
        [1, 1],
        [2, 0],
        [0, 0],
      ] as const) {
        c.case(
          `wire protocol version ${maj}.${min} is answered WireProtocolVersionNotSupported`,
          async ({ client }) => {
            await expectParseError(
              client,
              { header: header({ versionMaj: maj, versionMin: min }) },
              'WireProtocolVersionNotSupported',
              `version ${maj}.${min}`,
            );
          },
        );
      }

      for (const [field, value] of [
        ['reserved1', 1],
        ['reserved1', 0xff],
        ['reserved2', 1],
        ['reserved2', 0x80],
      ] as const) {
        c.case(`${field} = 0x${value.toString(16)} is answered InvalidHeader`, async ({ client }) => {
          await expectParseError(client, { header: header({ [field]: value }) }, 'InvalidHeader', `${field} ${value}`);
        });
      }

      c.case(
        'body_len 1 MiB + 1 (over the default body_len_limit) is answered BodySizeExceedsLimit',
        async ({ client }) => {
          // Only the header is sent: the limit is checked before the body is read.
          const h = defaultHeader({ ...header(), authType: AuthType.None, bodyLen: BODY_LEN_LIMIT + 1 });
          await expectParseError(
            client,
            { rawBytes: encodeHeader(h), closeAfterWrite: true },
            'BodySizeExceedsLimit',
            'body_len over the limit',
          );
        },
      );

      c.case('body_len 0xFFFFFFFF is answered BodySizeExceedsLimit', async ({ client }) => {
        const h = defaultHeader({ ...header(), authType: AuthType.None, bodyLen: 0xffffffff });
        await expectParseError(
          client,
          { rawBytes: encodeHeader(h), closeAfterWrite: true },
          'BodySizeExceedsLimit',
          'body_len 0xFFFFFFFF',
        );
      });

      c.case('a body shorter than body_len, then end of stream, is answered ConnectionError', async ({ client }) => {
        const h = defaultHeader({ ...header(), authType: AuthType.None, bodyLen: 16 });
        await expectParseError(
          client,
          { rawBytes: Buffer.concat([encodeHeader(h), Buffer.alloc(8)]), closeAfterWrite: true },
          'ConnectionError',
          'short body',
        );
      });

      c.case(
        'an auth field shorter than auth_len, then end of stream, is answered ConnectionError',
        async ({ client }) => {
          const h = defaultHeader({ ...header(), authType: AuthType.Direct, authLen: 8 });
          await expectParseError(
            client,
            { rawBytes: Buffer.concat([encodeHeader(h), Buffer.from('abc')]), closeAfterWrite: true },
            'ConnectionError',
            'short auth',
          );
        },
      );

      c.case(
        'body_len 0xFFFF with nothing sent and the connection left open is answered ConnectionError',
        async ({ client }) => {
          // Parsec's invalid_body_len: the service answers when its listener read timeout (3000 ms here) expires.
          const h = defaultHeader({ ...header(), authType: AuthType.None, bodyLen: 0xffff });
          await expectParseError(client, { rawBytes: encodeHeader(h) }, 'ConnectionError', 'body never sent');
        },
        { timeoutMs: 20_000 },
      );

      for (const contentType of [1, 0xff]) {
        c.case(`content type ${contentType} is answered ContentTypeNotSupported`, async ({ client }) => {
          await expectParseError(
            client,
            { header: header({ contentType }) },
            'ContentTypeNotSupported',
            `content type ${contentType}`,
          );
        });
      }

      for (const acceptType of [1, 0xff]) {
        c.case(`accept type ${acceptType} is answered AcceptTypeNotSupported`, async ({ client }) => {
          await expectParseError(
            client,
            { header: header({ acceptType }) },
            'AcceptTypeNotSupported',
            `accept type ${acceptType}`,
          );
        });
      }

      for (const authType of [5, 0xff]) {
        c.case(`auth type ${authType} is answered AuthenticatorDoesNotExist`, async ({ client }) => {
          await expectParseError(
            client,
            { header: header({ authType }), auth: Buffer.alloc(0) },
            'AuthenticatorDoesNotExist',
            `auth type ${authType}`,
          );
        });
      }

      for (const opcode of [0, 0x16, 0x17, 0x1d, 0x21, 0xffff, 0xffffffff]) {
        const hex = `0x${opcode.toString(16).toUpperCase()}`;
        c.case(`opcode ${hex} is answered OpcodeDoesNotExist`, async ({ client }) => {
          await expectParseError(client, { header: header({ opcode }) }, 'OpcodeDoesNotExist', `opcode ${hex}`);
        });
      }

      for (const provider of [6, 0x7f, 0xff]) {
        c.case(
          `provider byte ${provider} is answered ProviderDoesNotExist`,
          async ({ client }) => {
            await expectParseError(
              client,
              { header: header({ provider, opcode: opcodeCode('PsaGenerateRandom') }) },
              'ProviderDoesNotExist',
              `provider ${provider}`,
            );
          },
          { opcode: 'PsaGenerateRandom' },
        );
      }

      // Phase 2: the header parsed, so the response echoes provider, session and opcode.
      c.case('auth type JWT (2) is answered AuthenticatorNotRegistered, echoing the request', async ({ client }) => {
        const res = await sendMalformed(
          client,
          { header: header({ authType: AuthType.Jwt }), auth: Buffer.from('a.b.c') },
          'JWT auth',
        );
        expectRawStatus(res, 'AuthenticatorNotRegistered', 'JWT auth');
        expect(echoOf(res)).toEqual(echoedShape({ provider: 0, session: SESSION, opcode: LIST_PROVIDERS }));
      });

      c.case('auth type JWT-SVID (4) is answered AuthenticatorNotRegistered', async ({ client }) => {
        const res = await sendMalformed(
          client,
          { header: header({ authType: AuthType.JwtSvid }), auth: Buffer.from('a.b.c') },
          'JWT-SVID auth',
        );
        expectRawStatus(res, 'AuthenticatorNotRegistered', 'JWT-SVID auth');
        expect(echoOf(res)).toEqual(echoedShape({ provider: 0, session: SESSION, opcode: LIST_PROVIDERS }));
      });

      c.case(
        'auth type Direct (1) while Unix peer credentials is configured is answered AuthenticatorNotRegistered',
        async ({ client }) => {
          const res = await sendMalformed(
            client,
            { header: header({ authType: AuthType.Direct }), auth: directAuth('some-app') },
            'Direct auth',
          );
          expectRawStatus(res, 'AuthenticatorNotRegistered', 'Direct auth');
          expect(echoOf(res)).toEqual(echoedShape({ provider: 0, session: SESSION, opcode: LIST_PROVIDERS }));
        },
        unixPeer ? {} : { skip: `the service is configured with ${s.context.auth.kind}, not Unix peer credentials` },
      );

      c.case('the session field is echoed on a phase-2 error, all 64 bits of it', async ({ client }) => {
        const session = 0xfedcba9876543210n;
        const res = await sendMalformed(
          client,
          { header: header({ session, authType: AuthType.Jwt }), auth: Buffer.from('x') },
          'JWT auth with a high session',
        );
        expectRawStatus(res, 'AuthenticatorNotRegistered', 'JWT auth');
        expect(res.header.session).toBe(session);
      });

      // Fields the service ignores (Parsec's flags_ignored / status_ignored).
      for (const flags of [56, 0xffff]) {
        c.case(`flags = ${flags} is ignored: ListProviders is answered`, async ({ client }) => {
          const res = await sendMalformed(client, { header: header({ flags }) }, `flags ${flags}`);
          expectRawStatus(res, 'Success', `flags ${flags}`);
          expect(echoOf(res)).toEqual({
            ...echoedShape({ provider: 0, session: SESSION, opcode: LIST_PROVIDERS }),
            body: res.body.length,
          });
          expect(res.body.length).toBeGreaterThan(0);
        });
      }

      c.case('status = 0xFFFF in a request is ignored: Ping is answered Success', async ({ client }) => {
        const res = await sendMalformed(client, { header: { status: 0xffff } }, 'status 0xFFFF');
        expectRawStatus(res, 'Success', 'status 0xFFFF');
        expect(res.header.status).toBe(0);
      });

      c.case('hdr_size 30 with every field at its default is answered Success (control)', async ({ client }) => {
        expect(withHdrSize(WIRE_HDR_SIZE).length).toBe(36);
        const res = await sendMalformed(client, { rawBytes: withHdrSize(WIRE_HDR_SIZE) }, 'valid hand-made header');
        expectRawStatus(res, 'Success', 'valid hand-made header');
        expect(echoOf(res)).toEqual({
          ...echoedShape({ provider: 0, session: SESSION, opcode: LIST_PROVIDERS }),
          body: res.body.length,
        });
      });
    });
  },
);
