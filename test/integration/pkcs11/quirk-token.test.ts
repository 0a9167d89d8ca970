import { rmSync } from 'node:fs';
import { CKF_TOKEN, ckrName, sessionIsUser, tokenFlagNames, type TokenFlagName } from '../../../harness/model/pkcs11';
import { ensurePkcs11Tools, runCommand, type Pkcs11Tools } from '../../../harness/setup';
import { quirkCatalogue } from '../../../harness/targets/quirks';
import { testToken, type TestToken as Token } from './quirk-token-fixture';

/**
 * Each quirk of fixtures/pkcs11-pin/quirks.json, checked on its own through a direct PKCS#11 client (the harness's
 * pkcs11-probe, which sends PIN bytes as they are): the token's flags and what C_Login answers.
 */
const QUIRKS = quirkCatalogue().quirks;

let tools: Pkcs11Tools;
beforeAll(async () => {
  tools = await ensurePkcs11Tools();
}, 300_000);

const quirkToken = (quirk: string): Promise<Token> => testToken(quirk);

async function probe(token: Token, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Record<string, number>> {
  const r = await runCommand(tools.probe, [...args.slice(0, 1), '--module', tools.quirkModule, ...args.slice(1)], {
    env: { ...token.env, ...env },
  });
  return JSON.parse(r.output.trim().split('\n').pop() as string);
}

async function tokenFlags(token: Token): Promise<number> {
  const info = (await probe(token, ['info'])) as unknown as {
    slot: number;
    slots: { id: number; token: { flags: number } }[];
  };
  return info.slots.find((s) => s.id === info.slot)?.token.flags as number;
}

/** C_Login with the token's own PIN, a wrong one, a NULL PIN, an empty one. */
function loginArgs(
  which: 'correct' | 'wrong' | 'null' | 'empty',
  token: Token,
): { args: string[]; env: NodeJS.ProcessEnv } {
  switch (which) {
    case 'correct':
      return { args: ['--pin-hex-env', 'PIN_HEX'], env: { PIN_HEX: token.appPin.toString('hex') } };
    case 'wrong':
      return { args: ['--pin-env', 'PIN'], env: { PIN: 'surely-not-the-pin' } };
    case 'null':
      return { args: ['--null-pin'], env: {} };
    case 'empty':
      return { args: ['--pin-env', 'PIN'], env: { PIN: '' } };
  }
}

describe.each(Object.entries(QUIRKS))('the %s quirk token, seen by a direct PKCS#11 client', (quirk, facts) => {
  let token: Token;
  beforeEach(async () => {
    token = await quirkToken(quirk);
  });
  afterEach(() => rmSync(token.dir, { recursive: true, force: true }));

  test(`its flags: set ${facts.flags.set.join(', ') || 'nothing'}, cleared ${facts.flags.cleared.join(', ') || 'nothing'}`, async () => {
    const flags = tokenFlagNames(await tokenFlags(token));
    for (const f of facts.flags.set) expect(flags).toContain(f);
    for (const f of facts.flags.cleared) expect(flags).not.toContain(f);
    // Everything else is SoftHSM2's own: an initialised token that needs a login unless the quirk says otherwise.
    const untouched: TokenFlagName[] = [
      'CKF_TOKEN_INITIALIZED',
      'CKF_RNG',
      'CKF_LOGIN_REQUIRED',
      'CKF_USER_PIN_INITIALIZED',
    ];
    for (const f of untouched.filter((x) => !facts.flags.cleared.includes(x))) expect(flags).toContain(f);
  });

  test.each(['correct', 'wrong', 'null', 'empty'] as const)('C_Login with the %s PIN', async (which) => {
    const { args, env } = loginArgs(which, token);
    const r = await probe(token, ['login', ...args], env);
    expect(ckrName(r.login as number)).toBe(facts.directLogin[which]);
  });

  test(`a login that works ${facts.sessionsShareLogin ? 'is' : 'is not'} shared by a second session`, async () => {
    // The token's own PIN, or a NULL PIN for a PIN pad; a token where neither works shares nothing.
    const works = (['correct', 'null'] as const).find((w) =>
      ['CKR_OK', 'CKR_USER_ALREADY_LOGGED_IN'].includes(facts.directLogin[w]),
    );
    const { args, env } = loginArgs(works ?? 'correct', token);
    const r = await probe(token, ['login', ...args, '--second-session'], env);
    expect(sessionIsUser(r.secondSessionState as number)).toBe(facts.sessionsShareLogin);
  });
});

describe('the pin-lockout quirk token keeps its count on disk with the token', () => {
  test(`locks after ${quirkCatalogue().lockout} wrong PINs, each in a new process, and then refuses the right PIN too`, async () => {
    const token = await quirkToken('pin-lockout');
    try {
      const wrong = loginArgs('wrong', token);
      const correct = loginArgs('correct', token);
      const seen: string[][] = [];
      for (let i = 0; i < quirkCatalogue().lockout; i += 1) {
        seen.push(tokenFlagNames(await tokenFlags(token)).filter((f) => f.startsWith('CKF_USER_PIN_')));
        expect(ckrName((await probe(token, ['login', ...wrong.args], wrong.env)).login as number)).toBe(
          'CKR_PIN_INCORRECT',
        );
      }
      expect(seen).toEqual([
        ['CKF_USER_PIN_INITIALIZED'],
        ['CKF_USER_PIN_INITIALIZED', 'CKF_USER_PIN_COUNT_LOW'],
        ['CKF_USER_PIN_INITIALIZED', 'CKF_USER_PIN_COUNT_LOW', 'CKF_USER_PIN_FINAL_TRY'],
      ]);
      expect(tokenFlagNames(await tokenFlags(token))).toContain('CKF_USER_PIN_LOCKED');
      expect(ckrName((await probe(token, ['login', ...correct.args], correct.env)).login as number)).toBe(
        'CKR_PIN_LOCKED',
      );
      expect(CKF_TOKEN.CKF_USER_PIN_LOCKED).toBe(1 << 18);
    } finally {
      rmSync(token.dir, { recursive: true, force: true });
    }
  });

  test('a right PIN before the lock resets the count', async () => {
    const token = await quirkToken('pin-lockout');
    try {
      const wrong = loginArgs('wrong', token);
      const correct = loginArgs('correct', token);
      await probe(token, ['login', ...wrong.args], wrong.env);
      await probe(token, ['login', ...wrong.args], wrong.env);
      expect(ckrName((await probe(token, ['login', ...correct.args], correct.env)).login as number)).toBe('CKR_OK');
      expect(tokenFlagNames(await tokenFlags(token))).not.toContain('CKF_USER_PIN_COUNT_LOW');
    } finally {
      rmSync(token.dir, { recursive: true, force: true });
    }
  });
});
