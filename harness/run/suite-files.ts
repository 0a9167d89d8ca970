import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const SUITES_DIR = join(__dirname, '..', '..', 'suites');
/**
 * Suites under `client/` are slots, not suites: they run only when their option asks (`run --client-image`), so they
 * are neither listed nor part of a full run.
 */
export const SLOT_DIR = 'client';
export const CLIENT_IMAGE_SUITE = {
  id: 'client/client-image',
  file: join(SUITES_DIR, SLOT_DIR, 'client-image.test.ts'),
};

/** A suite's id is its path under suites/ without `.test.ts`, e.g. `core/list-opcodes`. */
export function listSuites(dir = SUITES_DIR): { id: string; file: string }[] {
  const out: { id: string; file: string }[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) {
        if (d !== dir || entry.name !== SLOT_DIR) walk(p);
      } else if (entry.name.endsWith('.test.ts'))
        out.push({
          id: relative(dir, p)
            .split(sep)
            .join('/')
            .replace(/\.test\.ts$/, ''),
          file: p,
        });
    }
  };
  walk(dir);
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** `*` matches within a path segment, `**` across segments, `?` one character; a glob without '/' also matches the stem. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i += 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(glob.includes('/') ? `^${re}$` : `(^|/)${re}$`);
}

export function selectSuites(globs: readonly string[], suites = listSuites()): { id: string; file: string }[] {
  if (globs.length === 0) return suites;
  const res = globs.map(globToRegExp);
  const chosen = suites.filter((s) => res.some((r) => r.test(s.id)));
  if (chosen.length === 0) {
    throw new Error(`--suite ${globs.join(' ')} matches no suite; available: ${suites.map((s) => s.id).join(', ')}`);
  }
  return chosen;
}
