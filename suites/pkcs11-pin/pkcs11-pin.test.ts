import { randomBytes } from 'node:crypto';
import type { RunContext } from '../../harness/context';
import { defineSuite } from '../../harness/kit';
import {
  expectedMatrix,
  mismatch,
  outcomeOf,
  PIN_SETTINGS,
  runCell,
  type CellObservation,
} from '../../fixtures/pkcs11-pin/cells';

// The PIN matrix: for every quirk of real tokens (fixtures/pkcs11-pin/quirks.json) and every way of writing
// user_pin, a Parsec of its own on a fresh quirk token. Each cell is a case, its quirk the variant of its id
// (pkcs11/pkcs11-pin/<quirk>/<setting>), compared with what a correct service does (fixtures/pkcs11-pin/expected.json).
const MATRIX = expectedMatrix();
const QUIRKS = Object.keys(MATRIX.cells);
const SETTINGS = Object.keys(PIN_SETTINGS);
/** Cells are independent services on tokens of their own: this many run at once. */
const AT_ONCE = 4;
const RUN_TAG = randomBytes(3).toString('hex');

let cells: Map<string, Promise<CellObservation>> | undefined;

/**
 * Every cell is started by the first case that needs one, at most AT_ONCE at a time and in the order of the cases,
 * so while a case waits for its own cell the next ones are already on their way.
 */
function cell(context: RunContext, quirk: string, setting: string): Promise<CellObservation> {
  if (!cells) {
    const all = new Map<string, Promise<CellObservation>>();
    let running = 0;
    const waiting: (() => void)[] = [];
    const slot = async (): Promise<void> => {
      if (running < AT_ONCE) {
        running += 1;
        return;
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    };
    const release = (): void => {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    };
    for (const q of QUIRKS) {
      for (const s of SETTINGS) {
        const run = (async () => {
          await slot();
          try {
            return await runCell(context, q, s, RUN_TAG);
          } finally {
            release();
          }
        })();
        // Each case awaits its own; a failure must not be an unhandled rejection meanwhile.
        run.catch(() => undefined);
        all.set(`${q}/${s}`, run);
      }
    }
    cells = all;
  }
  return cells.get(`${quirk}/${setting}`) as Promise<CellObservation>;
}

defineSuite(
  {
    name: 'pkcs11-pin',
    opcode: 'PsaGenerateKey',
    description: 'Parsec on PKCS#11 tokens with the PIN quirks of real ones, for every way of writing user_pin',
  },
  (s) => {
    const pkcs11 =
      s.context.spec.kind !== 'external' ? s.context.spec.providers.find((p) => p.key === 'pkcs11') : undefined;
    const vendor =
      pkcs11?.key === 'pkcs11' && pkcs11.module !== undefined
        ? `the run tests a PKCS#11 module of yours (${pkcs11.module}); the PIN matrix runs on the harness's own quirk tokens`
        : undefined;
    s.variants(
      QUIRKS.map((name) => ({ name })),
      (v) => {
        const quirk = v.variant;
        v.provider('pkcs11', (c) => {
          for (const setting of SETTINGS) {
            const expected = MATRIX.cells[quirk]?.[setting];
            if (!expected) throw new Error(`fixtures/pkcs11-pin/expected.json has no cell ${quirk}/${setting}`);
            c.case(
              setting,
              async ({ context, observe }) => {
                const observed = await cell(context, quirk, setting);
                observe({
                  quirk,
                  setting,
                  userPin: MATRIX.settings[setting],
                  starts: observed.starts,
                  ...(observed.startFailure ? { startFailure: observed.startFailure } : {}),
                  operations: observed.operations,
                  outcome: observed.starts ? outcomeOf(observed) : 'does not start',
                  loginAttempts: observed.loginAttempts,
                  expected: {
                    starts: expected.starts,
                    ...(expected.operations ? { operations: expected.operations } : {}),
                  },
                });
                const problem = mismatch(expected, observed);
                if (problem) throw new Error(problem);
              },
              { ownTargets: true, timeoutMs: 120_000, ...(vendor ? { skip: vendor } : {}) },
            );
          }
        });
      },
    );
  },
);
