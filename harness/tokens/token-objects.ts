import { ensurePkcs11Tools } from '../setup';
import type { TokenObject } from '../model/token-profile';
import { runProbe, type TokenSelector } from './probe-tool';

const CLASSES: Readonly<Record<number, string>> = {
  0: 'data',
  1: 'certificate',
  2: 'public key',
  3: 'private key',
  4: 'secret key',
};
const KEY_TYPES: Readonly<Record<number, string>> = { 0: 'RSA', 3: 'EC', 0x1f: 'AES', 0x10: 'generic secret' };

/**
 * Every object a session of the token sees, logged in with the PIN when one is given (a private object shows only
 * then). Read-only: nothing is created or changed.
 */
export async function listTokenObjects(
  selector: TokenSelector,
  pin: Buffer | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TokenObject[]> {
  const { probe } = await ensurePkcs11Tools();
  const r = (await runProbe(probe, 'login', selector, {
    pin: pin !== undefined ? { kind: 'bytes', bytes: pin } : { kind: 'none' },
    flags: ['--list-objects'],
    env,
  })) as { objects?: { class: number; keyType: number; label: string | null; id: string | null }[] };
  return (r.objects ?? []).map((o) => ({
    class: CLASSES[o.class] ?? `class ${o.class}`,
    keyType: o.class === 2 || o.class === 3 || o.class === 4 ? (KEY_TYPES[o.keyType] ?? `key type ${o.keyType}`) : '',
    label: o.label,
    id: o.id,
  }));
}

export function describeTokenObject(o: TokenObject): string {
  return `${[o.keyType, o.class].filter((x) => x).join(' ')} ${o.label ? `"${o.label}"` : 'without a label'}${o.id ? ` (CKA_ID ${o.id})` : ', no CKA_ID'}`;
}

/** What changed between two listings: objects gone (or changed), and objects new. */
export function tokenObjectChanges(
  before: readonly TokenObject[],
  after: readonly TokenObject[],
): { readonly gone: TokenObject[]; readonly added: TokenObject[] } {
  const key = (o: TokenObject) => JSON.stringify([o.class, o.keyType, o.label, o.id]);
  const remaining = after.map(key);
  const gone: TokenObject[] = [];
  for (const o of before) {
    const i = remaining.indexOf(key(o));
    if (i >= 0) remaining.splice(i, 1);
    else gone.push(o);
  }
  const beforeKeys = before.map(key);
  const added = after.filter((o) => {
    const i = beforeKeys.indexOf(key(o));
    if (i >= 0) {
      beforeKeys.splice(i, 1);
      return false;
    }
    return true;
  });
  return { gone, added };
}
