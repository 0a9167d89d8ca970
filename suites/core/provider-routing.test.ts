import { defineSuite, expectStatus } from '../../harness/kit';
import { PROVIDER_FACTS, ProviderId, type ProviderIdValue } from '../../harness/model/providers';
import type { OpcodeName } from '../../harness/wire';

/** Every core and admin opcode with a well-formed body. */
const CORE_REQUESTS: readonly (readonly [OpcodeName, object])[] = [
  ['Ping', {}],
  ['ListProviders', {}],
  ['ListOpcodes', { providerId: ProviderId.MbedCrypto }],
  ['ListAuthenticators', {}],
  ['ListKeys', {}],
  ['ListClients', {}],
  ['DeleteClient', { client: 'nobody-in-particular' }],
];

defineSuite(
  {
    name: 'provider-routing',
    opcode: 'ListKeys',
    description: 'requests reach the right provider or get the documented refusal',
  },
  (s) => {
    const configured = new Set<number>(s.context.providers.map((p) => p.id));
    const unconfigured = (Object.keys(PROVIDER_FACTS).map(Number) as ProviderIdValue[]).filter(
      (id) => !configured.has(id),
    );

    s.core((c) => {
      c.case(
        'a crypto opcode (PsaGenerateRandom) sent to Core is answered PsaErrorNotSupported',
        async ({ client }) => {
          await expectStatus(client.generateRandom(ProviderId.Core, 16), 'PsaErrorNotSupported');
        },
        { opcode: 'PsaGenerateRandom' },
      );

      for (const id of unconfigured) {
        c.case(
          `a crypto opcode sent to unconfigured provider ${id} (${PROVIDER_FACTS[id].label}) is answered ProviderNotRegistered`,
          async ({ client }) => {
            await expectStatus(client.generateRandom(id, 16), 'ProviderNotRegistered');
          },
          { opcode: 'PsaGenerateRandom' },
        );
      }

      c.case(
        'a provider id outside the protocol (6) is answered ProviderDoesNotExist',
        async ({ client }) => {
          await expectStatus(client.generateRandom(6, 16), 'ProviderDoesNotExist');
        },
        { opcode: 'PsaGenerateRandom' },
      );
    });

    // Reference A3 step 11: a core opcode sent to a crypto provider is refused before anything else is looked at.
    s.eachProvider((c, provider) => {
      for (const [opcode, body] of CORE_REQUESTS) {
        c.case(
          `core opcode ${opcode} sent to the provider is answered PsaErrorNotSupported`,
          async ({ client }) => {
            await expectStatus(client.call(opcode, provider.id, body as never), 'PsaErrorNotSupported');
          },
          { opcode },
        );
      }
    });
  },
);
