import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { runCommand, runOneShot } from '../../setup';

/** Where the libraries a module of yours needs, and the image lacks, appear inside the Parsec container. */
export const IN_MODULE_LIBS = '/opt/parsec-conformance/pkcs11-libs';

/** The C library and its loader are the image's own: a host copy of them would not mix with the image's. */
const NEVER_BOUND = /^(ld-linux[^/]*|libc|libm|libdl|libpthread|librt|libutil|libresolv|libanl)\.so(\.\d+)*$/;

function isSharedObject(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    const fd = openSync(path, 'r');
    try {
      const magic = Buffer.alloc(4);
      readSync(fd, magic, 0, 4, 0);
      return magic.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** soname → host path of every library `ldd` resolves for an ELF file. */
export function parseLdd(output: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of output.split('\n')) {
    const m = /^\s*(\S+)\s+=>\s+(\/\S+)\s+\(0x[0-9a-f]+\)\s*$/.exec(line);
    if (m) out.set(m[1] as string, m[2] as string);
  }
  return out;
}

const imageSonames = new Map<string, Promise<Set<string>>>();

/** The sonames the image's dynamic loader knows (ldconfig -p), asked once per image. */
function sonamesIn(image: string): Promise<Set<string>> {
  let known = imageSonames.get(image);
  if (!known) {
    known = runOneShot(image, ['ldconfig', '-p']).then(
      (r) => new Set([...r.output.matchAll(/^\s+(\S+) \(/gm)].map((m) => m[1] as string)),
    );
    imageSonames.set(image, known);
  }
  return known;
}

/**
 * The libraries the module (and any shared object among the mounted files) links against that the Parsec image does
 * not have: they are bound into the container beside it, so that a module built for this machine loads there too.
 */
export async function librariesMissingIn(
  image: string,
  files: readonly string[],
): Promise<{ readonly soname: string; readonly host: string }[]> {
  const needed = new Map<string, string>();
  for (const f of files.filter(isSharedObject)) {
    const r = await runCommand('ldd', [f]);
    for (const [soname, host] of parseLdd(r.output)) needed.set(soname, host);
  }
  if (needed.size === 0) return [];
  const known = await sonamesIn(image);
  return [...needed.entries()]
    .filter(([soname]) => !known.has(soname) && !NEVER_BOUND.test(soname))
    .map(([soname, host]) => ({ soname, host }));
}
