import { defineSuite } from '../../harness/kit';
import { AuthType, HEADER_SIZE, MAGIC, opcodeCode } from '../../harness/wire';

defineSuite({ name: 'ping', opcode: 'Ping', description: 'Ping answers wire protocol version 1.0' }, (s) => {
  s.core((c) => {
    c.case('answers wire protocol version 1.0', async ({ client }) => {
      expect(await client.ping()).toEqual({ wireProtocolVersionMaj: 1, wireProtocolVersionMin: 0 });
    });

    c.case('response header is well formed and echoes provider 0 and opcode Ping', async ({ client }) => {
      const res = await client.raw({ header: { provider: 0, opcode: opcodeCode('Ping'), authType: AuthType.None } });
      expect(res.header).toMatchObject({
        magic: MAGIC,
        hdrSize: HEADER_SIZE - 6,
        versionMaj: 1,
        versionMin: 0,
        provider: 0,
        opcode: opcodeCode('Ping'),
        contentType: 0,
        authLen: 0,
        status: 0,
        reserved1: 0,
        reserved2: 0,
      });
      expect(res.header.bodyLen).toBe(res.body.length);
    });

    c.case('answers 16 concurrent requests, each on its own connection', async ({ client }) => {
      const answers = await Promise.all(Array.from({ length: 16 }, () => client.ping()));
      for (const a of answers) expect(a).toEqual({ wireProtocolVersionMaj: 1, wireProtocolVersionMin: 0 });
    });
  });
});
