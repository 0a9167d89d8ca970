import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { createRunDir } from '../../lifecycle';
import { SetupError } from '../setup-error';
import { dockerClient, followStream } from './docker-client';

/** Labels on everything the harness builds, so it can find (and remove) its own images. */
export const IMAGE_LABEL = 'org.parsec-conformance.image';
export const CONTENT_LABEL = 'org.parsec-conformance.content';
/** Set on images built for one run only (a user's binary copied into the runtime image): removed at its end. */
export const EPHEMERAL_LABEL = 'org.parsec-conformance.ephemeral';

/** How to build one image: files from containers/, files made for this build, and build arguments. */
export interface ImageRecipe {
  /** Short name: the image is tagged `parsec-conformance/<name>:<content hash>`. */
  readonly name: string;
  /** The folder holding the project's Dockerfiles (containers/). */
  readonly containersDir: string;
  /** Dockerfile, relative to containersDir. */
  readonly dockerfile: string;
  /** Files and folders of containersDir that go into the build context. */
  readonly include: readonly string[];
  /** Files made for this build (context path → a file on this machine to copy, or the content itself). */
  readonly generated?: Readonly<Record<string, { readonly copyOf: string } | { readonly text: string }>>;
  readonly buildArgs: Readonly<Record<string, string>>;
  /**
   * Images whose identity the result depends on (the base image): their ids go into the content hash, so a new base
   * rebuilds everything on top of it.
   */
  readonly dependsOn?: readonly string[];
  readonly ephemeral?: boolean;
}

export interface EnsuredImage {
  readonly tag: string;
  /** True when this call built it; false when an image with the same content was already there. */
  readonly built: boolean;
  readonly elapsedMs: number;
}

function filesUnder(root: string, rel: string): string[] {
  const abs = join(root, rel);
  if (!statSync(abs).isDirectory()) return [rel];
  return readdirSync(abs)
    .sort()
    .flatMap((name) => filesUnder(root, join(rel, name)));
}

async function imageId(name: string): Promise<string> {
  try {
    return (await dockerClient().getImage(name).inspect()).Id;
  } catch (e) {
    throw new SetupError(`image ${name} is not on this machine (${(e as Error).message})`);
  }
}

/**
 * The content hash of a recipe: every context file (path and bytes), every build argument, and the ids of the images
 * it depends on. The same content gives the same tag, so an image is built once; a changed Dockerfile or script
 * gives a new tag, so it is rebuilt.
 */
export async function recipeHash(recipe: ImageRecipe): Promise<string> {
  const hash = createHash('sha256');
  for (const rel of recipe.include.flatMap((r) => filesUnder(recipe.containersDir, r)).sort()) {
    hash
      .update(`file ${rel}\0`)
      .update(readFileSync(join(recipe.containersDir, rel)))
      .update('\0');
  }
  for (const [rel, source] of Object.entries(recipe.generated ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(`generated ${rel}\0`);
    hash.update('copyOf' in source ? readFileSync(source.copyOf) : source.text).update('\0');
  }
  for (const [k, v] of Object.entries(recipe.buildArgs).sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(`arg ${k}=${v}\0`);
  }
  hash.update(`dockerfile ${recipe.dockerfile}\0`);
  for (const image of recipe.dependsOn ?? []) hash.update(`image ${await imageId(image)}\0`);
  return hash.digest('hex');
}

export function tagOf(name: string, hash: string): string {
  return `parsec-conformance/${name}:${hash.slice(0, 16)}`;
}

async function exists(tag: string): Promise<boolean> {
  try {
    await dockerClient().getImage(tag).inspect();
    return true;
  } catch {
    return false;
  }
}

function stageContext(recipe: ImageRecipe): { dir: string; files: string[] } {
  const dir = createRunDir(tmpdir(), 'build');
  const files: string[] = [];
  const put = (rel: string, write: (to: string) => void) => {
    const to = join(dir, rel);
    mkdirSync(dirname(to), { recursive: true });
    write(to);
    files.push(rel);
  };
  for (const rel of recipe.include.flatMap((r) => filesUnder(recipe.containersDir, r))) {
    put(rel, (to) => copyFileSync(join(recipe.containersDir, rel), to));
  }
  for (const [rel, source] of Object.entries(recipe.generated ?? {})) {
    put(rel, (to) => ('copyOf' in source ? copyFileSync(source.copyOf, to) : writeFileSync(to, source.text)));
  }
  return { dir, files: files.map((f) => relative(dir, join(dir, f))) };
}

/**
 * The image for this recipe, built when no image with its content is on this machine. Progress goes to `log`: each
 * build step, and every 15 s the latest output line of a long step. A failed build throws SetupError with the
 * engine's message and the last lines of the build output.
 */
export async function ensureImage(recipe: ImageRecipe, log: (line: string) => void): Promise<EnsuredImage> {
  const started = Date.now();
  const hash = await recipeHash(recipe);
  const tag = tagOf(recipe.name, hash);
  if (await exists(tag)) return { tag, built: false, elapsedMs: Date.now() - started };

  log(`building image ${tag} (${recipe.dockerfile})`);
  const { dir, files } = stageContext(recipe);
  const recent: string[] = [];
  let latest = '';
  const heartbeat = setInterval(() => {
    if (latest) log(`  ${recipe.name}: ${Math.round((Date.now() - started) / 1000)} s, ${latest}`);
  }, 15_000);
  try {
    const stream = await dockerClient().buildImage(
      { context: dir, src: files },
      {
        t: tag,
        dockerfile: recipe.dockerfile,
        buildargs: recipe.buildArgs,
        labels: {
          [IMAGE_LABEL]: recipe.name,
          [CONTENT_LABEL]: hash,
          ...(recipe.ephemeral ? { [EPHEMERAL_LABEL]: 'true' } : {}),
        },
        rm: true,
        forcerm: true,
      },
    );
    await followStream(stream, (event) => {
      for (const line of (event.stream ?? event.status ?? '').split('\n')) {
        // eslint-disable-next-line no-control-regex
        const text = line.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').trim();
        if (!text) continue;
        recent.push(text);
        if (recent.length > 40) recent.shift();
        latest = text.slice(0, 160);
        if (/^Step \d+\/\d+ :/.test(text)) log(`  ${recipe.name}: ${text.slice(0, 160)}`);
      }
    });
  } catch (e) {
    throw new SetupError(
      `building image ${tag} from containers/${recipe.dockerfile} failed: ${(e as Error).message}`,
      recent.join('\n'),
    );
  } finally {
    clearInterval(heartbeat);
    rmSync(dir, { recursive: true, force: true });
  }
  if (!(await exists(tag))) throw new SetupError(`building image ${tag} ended without the image`, recent.join('\n'));
  const elapsedMs = Date.now() - started;
  log(`built ${tag} in ${(elapsedMs / 1000).toFixed(1)} s`);
  return { tag, built: true, elapsedMs };
}
