import { WIRE_VERSION_MAJ, WIRE_VERSION_MIN } from './header';

/**
 * The protobuf contract the client speaks: the .proto files in ./proto were written from parsec-operations as
 * parsec-interface 0.30.0 (Parsec 1.5.0) uses them, on wire protocol 1.0. Bump it with the .proto files.
 */
export const PROTOBUF_CONTRACT = `parsec-interface 0.30.0 (wire ${WIRE_VERSION_MAJ}.${WIRE_VERSION_MIN})`;
