import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findProjectRoot } from '../setup';

/** The quirks of fixtures/pkcs11-pin/quirks.json, the one place they are described (read as data, not imported). */
export interface QuirkFacts {
  readonly summary: string;
  readonly tokenPin: 'printable' | 'empty' | 'binary';
  readonly flags: { readonly set: readonly string[]; readonly cleared: readonly string[] };
  readonly directLogin: Readonly<Record<'correct' | 'wrong' | 'null' | 'empty', string>>;
  readonly sessionsShareLogin: boolean;
}

export interface QuirkCatalogue {
  readonly lockout: number;
  readonly quirks: Readonly<Record<string, QuirkFacts>>;
}

let catalogue: QuirkCatalogue | undefined;

export function quirkCatalogue(): QuirkCatalogue {
  if (!catalogue) {
    const path = join(findProjectRoot(), 'fixtures', 'pkcs11-pin', 'quirks.json');
    const data = JSON.parse(readFileSync(path, 'utf8')) as QuirkCatalogue;
    if (typeof data.lockout !== 'number' || typeof data.quirks !== 'object') {
      throw new Error(`${path}: expected {"lockout": number, "quirks": {...}}`);
    }
    catalogue = data;
  }
  return catalogue;
}

export function quirkNames(): string[] {
  return Object.keys(quirkCatalogue().quirks);
}

/** A fresh PIN of the kind the quirk's token answers to (random: a token's PIN is a secret). */
export function quirkTokenPin(quirk: string): Buffer {
  const facts = quirkCatalogue().quirks[quirk];
  if (!facts) throw new Error(`unknown quirk '${quirk}'; known: ${quirkNames().join(', ')}`);
  switch (facts.tokenPin) {
    case 'empty':
      return Buffer.alloc(0);
    case 'binary':
      // Printable bytes around FF FE, which no UTF-8 text contains.
      return Buffer.concat([
        Buffer.from(randomBytes(3).toString('hex')),
        Buffer.from([0xff, 0xfe]),
        Buffer.from(randomBytes(3).toString('hex')),
      ]);
    case 'printable':
      return Buffer.from(randomBytes(6).toString('hex'));
  }
}

/**
 * The quirk token's configuration file (containers/pkcs11/quirk-token.c): it holds the real token's PIN, so it is
 * written with mode 0600 and never printed.
 */
export function quirkConfigText(o: {
  readonly quirk: string;
  readonly module: string;
  readonly realPin: string;
  readonly appPin: Buffer;
  readonly stateDir: string;
  /** Mechanisms the token is to lack (a vendor's token that has fewer than SoftHSM2). */
  readonly hideMechanisms?: readonly number[];
}): string {
  return [
    `quirk=${o.quirk}`,
    `module=${o.module}`,
    `real_pin_hex=${Buffer.from(o.realPin, 'utf8').toString('hex')}`,
    `token_pin_hex=${o.appPin.toString('hex')}`,
    `lockout=${quirkCatalogue().lockout}`,
    `state_dir=${o.stateDir}`,
    ...(o.hideMechanisms && o.hideMechanisms.length > 0
      ? [`hide_mechanisms=${o.hideMechanisms.map((m) => m.toString(16)).join(',')}`]
      : []),
    '',
  ].join('\n');
}

/** The environment variable through which the quirk token finds its configuration file. */
export const QUIRK_CONFIG_ENV = 'PARSEC_CONFORMANCE_QUIRK_CONFIG';
/** The file, in the token's state folder, where the quirk token records every login attempt. */
export const LOGIN_ATTEMPTS_FILE = 'login-attempts';
