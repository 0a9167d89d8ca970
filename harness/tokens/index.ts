export { pinBytes, isUtf8 } from './pin-value';
export { runProbe, TokenProbeError, wrongPin, type ProbePin, type TokenSelector } from './probe-tool';
export { probeToken, type ProbeTokenOptions } from './probe-token';
export { nameQuirks } from './quirk-names';
export { renderProfileSummary } from './profile-summary';
export { promptPin } from './pin-prompt';
export { describeTokenObject, listTokenObjects, tokenObjectChanges } from './token-objects';
