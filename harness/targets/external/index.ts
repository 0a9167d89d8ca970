export { attachExternalTarget, ExternalTargetError, type ExternalTargetOptions } from './external-target';
