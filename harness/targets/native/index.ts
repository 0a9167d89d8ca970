export { startNativeTarget, NativeTarget, type StopOptions } from './native-target';
export { nativeTarget, NativeTargetBuilder } from './native-target-builder';
export { renderParsecConfig, KEY_MANAGER_NAME, type ParsecConfigSpec, type ProviderSpec } from './parsec-config';
export { tomlString, tomlEntry } from './toml';
export { pingProbe, type ProbeReply } from './ping-probe';
export { TargetStartError } from './target-start-error';
export { serialFromShowSlots, TOKEN_LABEL } from './softhsm-token';
export { findFreePortPair } from './free-port';
export { redact } from './log-tail';
