// Clients other than the harness's own: one that runs as another Unix user (a second identity for peer credentials).
export { OtherUidClient, NOBODY, otherUidUnavailable, type OtherUidClientOptions } from './other-uid-client';
export { CHILD_METHODS, toWire, fromWire, parseRequest, parseReply, encodeLine } from './uid-client-protocol';
