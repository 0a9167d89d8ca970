import {
  CONVERTERS,
  encodeMessage,
  operationTypeName,
  type OpcodeName,
  type OperationOf,
  type ProtoObject,
} from '../wire';

/** The body of Parsec's own `mangled_ping` test: field 2 announced as a 64-bit value, then only 4 bytes. */
export const MANGLED_BODY: Buffer = Buffer.from([0x11, 0x22, 0x33, 0x44, 0x55]);

function clone(obj: ProtoObject): ProtoObject {
  return structuredClone(obj);
}

function parentOf(root: ProtoObject, path: string): { parent: ProtoObject; leaf: string } {
  const parts = path.split('.');
  const leaf = parts.pop();
  if (leaf === undefined || leaf === '') throw new Error(`empty field path`);
  let parent = root;
  for (const part of parts) {
    const next = parent[part];
    if (next === null || typeof next !== 'object') throw new Error(`field path ${path}: '${part}' is not a message`);
    parent = next as ProtoObject;
  }
  return { parent, leaf };
}

/** A valid operation as its protobuf object (.proto field names), to perturb before encoding. */
export function operationObject<N extends OpcodeName>(opcode: N, op: OperationOf<N>): ProtoObject {
  return CONVERTERS[opcode].operationToProto(op);
}

/** Encodes a perturbed operation object as the operation's protobuf message. */
export function encodeOperationObject(opcode: OpcodeName, obj: ProtoObject): Buffer {
  return encodeMessage(operationTypeName(opcode, 'Operation'), obj);
}

/**
 * The body of a valid operation with one (possibly nested) field left out, e.g. `attributes.key_policy`. The field
 * must be there in the valid encoding; a path that names nothing is a test bug and throws.
 */
export function bodyWithout<N extends OpcodeName>(opcode: N, op: OperationOf<N>, path: string): Buffer {
  const obj = clone(operationObject(opcode, op));
  const { parent, leaf } = parentOf(obj, path);
  if (!(leaf in parent)) throw new Error(`field path ${path}: '${leaf}' is not set in the valid ${opcode} body`);
  delete parent[leaf];
  return encodeOperationObject(opcode, obj);
}

/** The body of a valid operation with one (possibly nested) field replaced, e.g. a curve family set to 0 (_NONE). */
export function bodyWith<N extends OpcodeName>(opcode: N, op: OperationOf<N>, path: string, value: unknown): Buffer {
  const obj = clone(operationObject(opcode, op));
  const { parent, leaf } = parentOf(obj, path);
  parent[leaf] = value;
  return encodeOperationObject(opcode, obj);
}
