import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultBaseImage, recipeHash, suiteOf, tagOf, type ImageRecipe } from '../../../harness/setup';
import { hostAptSettings } from '../../../harness/setup/debian-mirror';

describe('images are tagged by their content', () => {
  let dir: string;
  let recipe: ImageRecipe;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pc-unit-images-'));
    mkdirSync(join(dir, 'common'));
    mkdirSync(join(dir, 'thing'));
    writeFileSync(join(dir, 'common', 'apt-setup.sh'), 'apt-get update\n');
    writeFileSync(join(dir, 'thing', 'Dockerfile'), 'FROM base\nRUN true\n');
    recipe = {
      name: 'thing',
      containersDir: dir,
      dockerfile: 'thing/Dockerfile',
      include: ['common', 'thing'],
      generated: { 'common/apt-host.conf': { text: 'Acquire::Retries "3";\n' } },
      buildArgs: { BASE_IMAGE: 'debian:trixie-slim' },
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same hash for the same content, whatever the order of the arguments', async () => {
    const again = { ...recipe, buildArgs: { ...recipe.buildArgs } };
    expect(await recipeHash(again)).toBe(await recipeHash(recipe));
    expect(tagOf('thing', await recipeHash(recipe))).toMatch(/^parsec-conformance\/thing:[0-9a-f]{16}$/);
  });

  it.each<[string, (r: ImageRecipe) => ImageRecipe]>([
    ['a changed Dockerfile', (r) => (writeFileSync(join(dir, 'thing', 'Dockerfile'), 'FROM base\nRUN false\n'), r)],
    ['a changed shared script', (r) => (writeFileSync(join(dir, 'common', 'apt-setup.sh'), 'apt-get -q update\n'), r)],
    ['a new file in the context', (r) => (writeFileSync(join(dir, 'thing', 'entrypoint.sh'), 'exit 0\n'), r)],
    ['a changed build argument', (r) => ({ ...r, buildArgs: { BASE_IMAGE: 'debian:sid-slim' } })],
    ['changed apt settings of this machine', (r) => ({ ...r, generated: { 'common/apt-host.conf': { text: '' } } })],
  ])('gives another hash for %s, so the image is rebuilt', async (_what, change) => {
    const before = await recipeHash(recipe);
    expect(await recipeHash(change(recipe))).not.toBe(before);
  });
});

describe('the base image pin and the host settings a build takes over', () => {
  it('reads the pinned base from containers/base/Dockerfile', () => {
    expect(defaultBaseImage(join(__dirname, '..', '..', '..', 'containers'))).toBe('debian:trixie-slim');
    expect(suiteOf('debian:trixie-slim')).toBe('trixie');
    expect(suiteOf('localhost:5000/debian:sid')).toBe('sid');
    expect(suiteOf('ubuntu:24.04')).toBeUndefined();
  });

  it('takes proxies and release-date checks from apt-config dump, nothing else', () => {
    const dump = [
      'APT::Architecture "amd64";',
      'Acquire::Check-Valid-Until "false";',
      'Acquire::http::Proxy "http://proxy.internal:3142";',
      'Acquire::IndexTargets::deb::DEP-11::DefaultEnabled "false";',
      'Dir::Etc::sourcelist "sources.list";',
    ].join('\n');
    expect(hostAptSettings(dump)).toBe(
      'Acquire::Check-Valid-Until "false";\nAcquire::http::Proxy "http://proxy.internal:3142";\n',
    );
  });
});
