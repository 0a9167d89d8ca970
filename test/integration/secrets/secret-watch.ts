import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import { Worker } from 'node:worker_threads';
import { RUN_DIR_PREFIX, runDirOwnerPid } from '../../../harness/lifecycle';
import { isUtf8, pinBytes } from '../../../harness/tokens/pin-value';

/**
 * What any local user could see while the harness runs (every process's command line), and what the harness keeps in
 * its run folders (the secrets it made, and its raw logs), sampled every few milliseconds. The sampling runs in a
 * thread of its own, so it keeps its pace while this thread waits on the CLI.
 */

/** A file of a run folder, as last seen before it changed or went away. */
export interface SeenFile {
  readonly content: Buffer;
  readonly mode: number;
}

export interface Watched {
  /** Every distinct command line (arguments joined by spaces, bytes as Latin-1), with the processes that had it. */
  readonly cmdlines: ReadonlyMap<string, readonly number[]>;
  /** Each process seen, with its parent. */
  readonly parents: ReadonlyMap<number, number>;
  /** Every file of every harness run folder in os.tmpdir(), except the tokens' own stores (TOKEN_STORES). */
  readonly files: ReadonlyMap<string, SeenFile>;
  readonly samples: number;
  readonly elapsedMs: number;
}

/**
 * The tokens' own state, not searched: SoftHSM2's object files, and the quirk token's record of every login attempt
 * with the PIN bytes it was given (containers/pkcs11/quirk-token.c), which is what it is for. Both are mode 0600.
 */
export const TOKEN_STORES = ['tokens', 'token-state'];

// Plain JavaScript: a worker evaluates it as it is, without Jest's transform.
const SAMPLER = `
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const { flag, intervalMs, parent, prefix, tokenStores } = workerData;
const cmdlines = new Map();
const files = new Map();
const parents = new Map();
let samples = 0;
const started = Date.now();
function processes() {
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(pid)) continue;
    let raw;
    try { raw = fs.readFileSync('/proc/' + pid + '/cmdline'); } catch { continue; }
    if (raw.length === 0) continue;
    if (!parents.has(pid)) {
      try {
        const stat = fs.readFileSync('/proc/' + pid + '/stat', 'latin1');
        parents.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      } catch { continue; }
    }
    const line = raw.toString('latin1').replace(/\\0+$/, '').replace(/\\0/g, ' ');
    const pids = cmdlines.get(line);
    if (!pids) cmdlines.set(line, [Number(pid)]);
    else if (!pids.includes(Number(pid))) pids.push(Number(pid));
  }
}
function folder(dir, depth) {
  let entries;
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (!tokenStores.includes(e.name) && depth < 4) folder(p, depth + 1); continue; }
    if (!e.isFile()) continue;
    try {
      const st = fs.statSync(p);
      const prev = files.get(p);
      if (prev && prev.size === st.size && prev.mtimeMs === st.mtimeMs) continue;
      files.set(p, { size: st.size, mtimeMs: st.mtimeMs, mode: st.mode, content: fs.readFileSync(p) });
    } catch { continue; }
  }
}
function runFolders() {
  let names;
  try { names = fs.readdirSync(parent); } catch { return; }
  for (const n of names) if (n.startsWith(prefix)) folder(path.join(parent, n), 0);
}
while (Atomics.load(flag, 0) === 0) {
  processes();
  runFolders();
  samples += 1;
  if (samples === 1) parentPort.postMessage({ ready: true });
  Atomics.wait(flag, 0, 0, intervalMs);
}
parentPort.postMessage({
  cmdlines: [...cmdlines],
  parents: [...parents].map(([pid, ppid]) => [Number(pid), ppid]),
  files: [...files].map(([p, f]) => [p, f.content, f.mode]),
  samples,
  elapsedMs: Date.now() - started,
});
`;

interface SamplerMessage {
  readonly ready?: true;
  readonly cmdlines: [string, number[]][];
  readonly parents: [number, number][];
  readonly files: [string, Uint8Array, number][];
  readonly samples: number;
  readonly elapsedMs: number;
}

export class SecretWatch {
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly worker: Worker;
  private readonly ready: Promise<void>;
  private readonly result: Promise<Watched>;
  private stopped?: Promise<Watched>;

  private constructor(intervalMs: number) {
    this.worker = new Worker(SAMPLER, {
      eval: true,
      workerData: { flag: this.flag, intervalMs, parent: tmpdir(), prefix: RUN_DIR_PREFIX, tokenStores: TOKEN_STORES },
    });
    let ready: () => void = () => undefined;
    this.ready = new Promise((resolve) => (ready = resolve));
    this.result = new Promise((resolve, reject) => {
      this.worker.once('error', reject);
      this.worker.once('exit', (code) =>
        reject(new Error(`the sampler thread exited (code ${code}) before it answered`)),
      );
      this.worker.on('message', (m: SamplerMessage) => {
        if (m.ready) return ready();
        resolve({
          cmdlines: new Map(m.cmdlines),
          parents: new Map(m.parents),
          files: new Map(m.files.map(([p, c, mode]) => [p, { content: Buffer.from(c), mode }])),
          samples: m.samples,
          elapsedMs: m.elapsedMs,
        });
      });
    });
    // A failing test must not see an unhandled rejection before it stops the watch.
    this.result.catch(() => undefined);
  }

  /** Starts sampling every `intervalMs` (plus the time a sample takes); resolves once the first sample is taken. */
  static async start(intervalMs = 10): Promise<SecretWatch> {
    const watch = new SecretWatch(intervalMs);
    await Promise.race([watch.ready, watch.result]);
    return watch;
  }

  /** Stops sampling (once; later calls give the same answer) and ends the thread. */
  stop(): Promise<Watched> {
    if (!this.stopped) {
      Atomics.store(this.flag, 0, 1);
      Atomics.notify(this.flag, 0);
      this.stopped = this.result.finally(() => this.worker.terminate());
    }
    return this.stopped;
  }
}

/** A form a secret can take in text or bytes, named without its value (a test's message must not show it either). */
export interface Needle {
  readonly label: string;
  readonly bytes: Buffer;
}

/** Forms shorter than this would match by chance; the harness's PINs are 12 characters and more. */
export const MIN_FORM_LENGTH = 6;

/** Every form of a PIN's bytes that a leak could take: text, hex both cases, base64, escaped, the raw bytes. */
export function pinForms(pin: Buffer, what: string): Needle[] {
  const texts: [string, string][] = [];
  if (isUtf8(pin)) texts.push(['text', pin.toString('utf8')]);
  else {
    texts.push(['Latin-1 text', pin.toString('latin1')]);
    texts.push(['text with U+FFFD', pin.toString('utf8')]);
    texts.push([
      '\\x-escaped',
      [...pin]
        .map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`))
        .join(''),
    ]);
  }
  texts.push(
    ['hex', pin.toString('hex')],
    ['HEX', pin.toString('hex').toUpperCase()],
    ['base64', pin.toString('base64')],
  );
  const needles = texts
    .filter(([, t]) => t.length >= MIN_FORM_LENGTH)
    .map(([form, t]) => ({ label: `${what} as ${form}`, bytes: Buffer.from(t, 'utf8') }));
  if (pin.length >= MIN_FORM_LENGTH) needles.push({ label: `${what} as raw bytes`, bytes: Buffer.from(pin) });
  return needles;
}

/** A TOML basic string as config.toml has it (harness/targets/config/toml.ts writes only JSON-compatible escapes). */
function tomlValue(quoted: string): string {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return quoted.slice(1, -1);
  }
}

/** The harness run folder (directly in os.tmpdir()) a file is in. */
export function runFolderOf(path: string): string {
  return join(tmpdir(), relative(tmpdir(), path).split(sep)[0] as string);
}

/** The given processes and every process the watch saw them start, directly or not. */
export function descendantsOf(watched: Watched, roots: readonly number[]): Set<number> {
  const ours = new Set(roots);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of watched.parents) {
      if (ours.has(ppid) && !ours.has(pid)) {
        ours.add(pid);
        grew = true;
      }
    }
  }
  return ours;
}

/**
 * The files of the run folders that the given processes, or processes they started, made (a run folder's name carries
 * the pid of its maker): not those of another run on this machine at the same time.
 */
export function filesOf(watched: Watched, roots: readonly number[]): Map<string, SeenFile> {
  const ours = descendantsOf(watched, roots);
  return new Map([...watched.files].filter(([path]) => ours.has(runDirOwnerPid(basename(runFolderOf(path))) ?? -1)));
}

/** The secrets of one run folder: the PINs it keeps for its token, the values its config.toml gives Parsec. */
export interface FolderSecrets {
  readonly dir: string;
  readonly quirk?: string;
  /** The secret user_pin and owner_hierarchy_auth values of config.toml (possibly with hex: or str: and a suffix). */
  readonly configured: readonly string[];
  readonly needles: readonly Needle[];
}

/**
 * The files that hold secrets by design (mode 0600, in a 0700 folder): where PINs are harvested, not searched.
 * Parsec's config.toml, the quirk token's quirk.conf, the container token's pins (SO PIN and user PIN).
 */
export const SECRET_STORES = new Set(['config.toml', 'quirk.conf', 'pins']);

const isSecretStore = (path: string): boolean => SECRET_STORES.has(basename(path));

/**
 * The secrets in use, from each run folder's secret stores. Where the folder holds the token's PINs (quirk.conf), a
 * user_pin that carries none of them is a deliberate wrong one (the matrix's literal "not-the-token-pin"), no secret.
 */
export function harvestSecrets(files: ReadonlyMap<string, SeenFile>): FolderSecrets[] {
  const folders = new Map<string, [string, string][]>();
  for (const [path, f] of files) {
    if (!isSecretStore(path)) continue;
    const dir = runFolderOf(path);
    folders.set(dir, [...(folders.get(dir) ?? []), [path, f.content.toString('utf8')]]);
  }
  const out: FolderSecrets[] = [];
  for (const [dir, stores] of folders) {
    const tokenPins: Needle[] = [];
    let quirk: string | undefined;
    for (const [path, text] of stores) {
      if (basename(path) === 'quirk.conf') {
        quirk = /^quirk=(.*)$/m.exec(text)?.[1];
        for (const key of ['real_pin_hex', 'token_pin_hex']) {
          const hex = new RegExp(`^${key}=([0-9a-f]*)$`, 'm').exec(text)?.[1];
          if (hex) tokenPins.push(...pinForms(Buffer.from(hex, 'hex'), `${key} of ${path}`));
        }
      }
      if (basename(path) === 'pins') {
        text
          .split('\n')
          .filter((l) => l.length > 0)
          .forEach((pin, i) => tokenPins.push(...pinForms(Buffer.from(pin), `line ${i + 1} of ${path}`)));
      }
    }
    const needles = [...tokenPins];
    const configured: string[] = [];
    for (const [path, text] of stores.filter(([p]) => basename(p) === 'config.toml')) {
      for (const m of text.matchAll(/^(?:user_pin|owner_hierarchy_auth) = (".*")$/gm)) {
        const value = tomlValue(m[1] as string);
        if (value.length === 0) continue;
        if (tokenPins.length > 0 && !tokenPins.some((n) => Buffer.from(value, 'utf8').includes(n.bytes))) continue;
        configured.push(value);
        const what = `a configured secret of ${path}`;
        needles.push({ label: `${what} as written`, bytes: Buffer.from(value, 'utf8') });
        if (/^(hex|str):/.test(value)) {
          needles.push({ label: `${what} without its prefix`, bytes: Buffer.from(value.slice(4)) });
        }
        try {
          needles.push(...pinForms(pinBytes(value), what));
        } catch {
          // A malformed hex: value has no bytes; it is searched as written, and the token's PIN through quirk.conf.
        }
      }
    }
    out.push({ dir, ...(quirk !== undefined ? { quirk } : {}), configured, needles: dedupe(needles) });
  }
  return out;
}

/** One needle per distinct byte string (the first label kept), none shorter than MIN_FORM_LENGTH. */
export function dedupe(needles: readonly Needle[]): Needle[] {
  const seen = new Map<string, Needle>();
  for (const n of needles) {
    if (n.bytes.length < MIN_FORM_LENGTH) continue;
    const key = n.bytes.toString('hex');
    if (!seen.has(key)) seen.set(key, n);
  }
  return [...seen.values()];
}

export interface Finding {
  readonly needle: string;
  readonly where: string;
  /** Around the match, with every secret form replaced by its label. */
  readonly context: string;
}

/** Where any form of any secret occurs in the given texts (each a place name and its bytes). */
export function findSecrets(needles: readonly Needle[], places: Iterable<readonly [string, Buffer]>): Finding[] {
  const found: Finding[] = [];
  for (const [where, content] of places) {
    for (const n of needles) {
      const at = content.indexOf(n.bytes);
      if (at < 0) continue;
      let context = content.subarray(Math.max(0, at - 60), at + n.bytes.length + 60).toString('latin1');
      for (const m of needles) context = context.split(m.bytes.toString('latin1')).join(`<${m.label}>`);
      // Any other long hex run too: a secret the test does not know (an SO PIN next to a user PIN) stays unshown.
      context = context.replace(/[0-9a-fA-F]{16,}/g, '<hex>');
      found.push({ needle: n.label, where, context });
    }
  }
  return found;
}

/** Every file under `dir`, as [path, bytes]. */
export function filesUnder(dir: string): [string, Buffer][] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((p) => statSync(p).isFile())
    .map((p) => [p, readFileSync(p)]);
}
