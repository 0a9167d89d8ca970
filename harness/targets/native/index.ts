export { startNativeTarget, NativeTarget, parsecCommand } from './native-target';
export { serialFromShowSlots, initTokenCommand, pinTyping, TOKEN_LABEL } from './softhsm-token';
export { findFreePortPair } from './free-port';
export { startSwtpm, type RunningSwtpm } from './swtpm';
