export { attachExternalTarget, ExternalTargetError } from './external-target';
