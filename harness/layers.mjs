// The folders of harness/ are layers. Each may import itself and the folders listed for it, nothing else: no import
// runs back up (kit↔run, reports↔run, setup↔targets, model↔wire were such cycles). ESLint enforces the table through
// the rule below (eslint.config.mjs); test/unit/lint/harness-layers.test.ts proves that it fires.
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const HARNESS = dirname(fileURLToPath(import.meta.url));
const PROJECT = dirname(HARNESS);

/** Folder → the harness folders it may import from. Lower layers first. */
export const LAYERS = {
  wire: [],
  lifecycle: [],
  model: ['wire'],
  oracle: ['wire', 'model'],
  attestation: ['wire', 'oracle'],
  capabilities: ['wire', 'model', 'oracle'],
  setup: ['model', 'lifecycle'],
  targets: ['wire', 'model', 'lifecycle', 'setup'],
  tokens: ['model', 'lifecycle', 'setup'],
  client: ['wire', 'model', 'lifecycle'],
  context: ['wire', 'model', 'targets'],
  kit: ['wire', 'model', 'lifecycle', 'oracle', 'capabilities', 'setup', 'targets', 'client', 'context'],
  reports: ['wire', 'model', 'context', 'kit', 'tokens'],
  bench: ['wire', 'model', 'lifecycle', 'setup', 'targets'],
  load: ['wire', 'model', 'oracle', 'capabilities', 'targets'],
  interop: ['wire', 'model', 'lifecycle', 'setup', 'targets', 'context'],
  run: [
    'wire',
    'model',
    'lifecycle',
    'capabilities',
    'setup',
    'targets',
    'tokens',
    'context',
    'kit',
    'reports',
    'bench',
    'load',
    'interop',
  ],
};

/** Top-level project folders the library never imports: the suites and their bodies depend on it. */
const OUTSIDE = ['suites', 'fixtures'];

/** 'harness/<folder>' of a path inside the project, or the top-level folder name when outside harness/. */
function placeOf(absolute) {
  const parts = relative(PROJECT, absolute).split(sep);
  // 'harness/kit' (a folder's index) and 'harness/kit/x.ts' are both in kit; files right in harness/ are in none.
  if (parts[0] === 'harness' && parts.length >= 2 && !(parts.length === 2 && parts[1].includes('.'))) {
    return { harness: parts[1] };
  }
  return { top: parts[0] };
}

/** Why `from` may not import `to` (absolute paths), or undefined when it may. */
export function layerViolation(from, to) {
  const source = placeOf(from);
  const target = placeOf(to);
  if (source.harness === undefined) return undefined;
  if (target.top !== undefined) {
    return OUTSIDE.includes(target.top) ? `harness/ never imports ${target.top}/` : undefined;
  }
  if (target.harness === source.harness) return undefined;
  const allowed = LAYERS[source.harness];
  if (allowed === undefined) return `harness/${source.harness} is not in the layer table of harness/layers.mjs`;
  if (allowed.includes(target.harness)) return undefined;
  return `harness/${source.harness} may not import harness/${target.harness} (it may import: ${allowed.join(', ') || 'nothing of harness/'})`;
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'keeps the folders of harness/ layered (see harness/layers.mjs)' },
    schema: [],
  },
  create(context) {
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const problem = layerViolation(context.filename, resolve(dirname(context.filename), source));
      if (problem) context.report({ node: node.source, message: problem });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export const harnessLayers = { plugin: { rules: { layers: rule } } };
