import { eccKeyPair, rsaKeyPair } from '../../harness/capabilities/catalogue/keys';
import { defineSuite } from '../../harness/kit';
import { curveOf } from '../../harness/oracle/curves';
import { parseEcPublicKey } from '../../harness/oracle/keys';
import { expectRsaPublicKey } from '../../harness/oracle/key-formats';
import type { KeyAttributes } from '../../harness/wire';

const P256 = curveOf('SecpR1', 256);

/**
 * Key names are opaque strings to Parsec (protobuf `string`, stored by the key info manager). Neither the PSA Crypto
 * API (keys have ids, not names) nor the Parsec book restricts them, so the bar is consistency: a name the service
 * accepts must come back from ListKeys exactly as sent, address that key and no other, and be destroyable.
 * Names carry the run prefix where the edge case allows it, so the core list-keys case can tell them apart.
 */
defineSuite(
  { name: 'key-names', opcode: 'PsaGenerateKey', description: 'key names are stored and matched exactly' },
  (s) => {
    const prefix = `pc-${s.context.runId}-kn`;
    const names: [string, (unique: string) => string][] = [
      ['empty name', () => ''],
      ['name of 255 ASCII characters', (u) => u.padEnd(255, 'a')],
      ['name of 1024 ASCII characters', (u) => u.padEnd(1024, 'b')],
      ['name of 4096 ASCII characters', (u) => u.padEnd(4096, 'c')],
      ['name with multi-byte characters (CJK)', (u) => `${u}-鍵の名前`],
      ['name with emoji', (u) => `${u}-🔑🛡️`],
      ['name with combining characters', (u) => `${u}-e\u0301a\u0308`],
      ['name with right-to-left text', (u) => `${u}-\u05de\u05e4\u05ea\u05d7`],
      ['path-like name ../x', (u) => `../${u}`],
      ['path-like name a/b', (u) => `${u}/b`],
      ['path-like name /etc/passwd', () => '/etc/passwd'],
      ['name .', () => '.'],
      ['name ..', () => '..'],
      ['name of a single space', () => ' '],
      ['name with leading and trailing whitespace', (u) => ` ${u}\t`],
      ['name with a newline', (u) => `${u}\nsecond-line`],
      ['name with a NUL byte', (u) => `${u}\u0000tail`],
    ];

    s.eachProvider((c, provider) => {
      const useEcc = provider.can('Generate', eccKeyPair(P256));
      const attrs: KeyAttributes = useEcc ? eccKeyPair(P256) : rsaKeyPair(1024);
      const checkPublic = (data: Buffer): void => {
        if (useEcc) parseEcPublicKey(P256, data);
        else expectRsaPublicKey(data, 1024);
      };

      for (const [title, make] of names) {
        c.case(title, async ({ client, keys }) => {
          const name = make(`${prefix}-${provider.key}-${keys.name('n').split('-').at(-2)}`);
          keys.track(provider.id, name);
          await client.generateKey(provider.id, name, attrs);
          // Listed exactly once, under exactly these code points, by the provider that made it.
          const listed = (await client.listKeys()).filter((k) => k.name === name);
          expect(listed.map((k) => ({ provider: k.providerId, length: k.name.length }))).toEqual([
            { provider: provider.id, length: name.length },
          ]);
          checkPublic(await client.exportPublicKey(provider.id, name));
          await client.destroyKey(provider.id, name);
          expect((await client.listKeys()).filter((k) => k.name === name)).toEqual([]);
        });
      }

      c.case('names differing only in Unicode normalisation (NFC, NFD) are two keys', async ({ client, keys }) => {
        const base = `${prefix}-${provider.key}-${keys.name('nf').split('-').at(-2)}-caf`;
        const nfc = keys.track(provider.id, `${base}\u00e9`);
        const nfd = keys.track(provider.id, `${base}e\u0301`);
        await client.generateKey(provider.id, nfc, attrs);
        await client.generateKey(provider.id, nfd, attrs);
        const [a, b] = [await client.exportPublicKey(provider.id, nfc), await client.exportPublicKey(provider.id, nfd)];
        expect(a.equals(b)).toBe(false);
        await client.destroyKey(provider.id, nfd);
        expect((await client.exportPublicKey(provider.id, nfc)).equals(a)).toBe(true);
      });

      c.case('names differing only in letter case are two keys', async ({ client, keys }) => {
        const base = `${prefix}-${provider.key}-${keys.name('case').split('-').at(-2)}-`;
        const lower = keys.track(provider.id, `${base}key`);
        const upper = keys.track(provider.id, `${base}KEY`);
        await client.generateKey(provider.id, lower, attrs);
        await client.generateKey(provider.id, upper, attrs);
        const names = (await client.listKeys()).map((k) => k.name).filter((n) => n.startsWith(base));
        expect(names.sort()).toEqual([upper, lower].sort());
      });

      c.case('name with a trailing space is not the name without it', async ({ client, keys }) => {
        const name = keys.track(provider.id, keys.name('trail'));
        const spaced = keys.track(provider.id, `${name} `);
        await client.generateKey(provider.id, name, attrs);
        await client.generateKey(provider.id, spaced, attrs);
        const [a, b] = [
          await client.exportPublicKey(provider.id, name),
          await client.exportPublicKey(provider.id, spaced),
        ];
        expect(a.equals(b)).toBe(false);
      });
    });
  },
);
