export { startContainerTarget, ContainerTarget } from './container-target';
export { probeContainerAuthenticators } from './container-probe';
export { ensureTargetImages, containerSpecProblem, type TargetImages } from './container-images';
export { sweepStaleContainers, sessionLabels, SESSION_LABEL, PID_LABEL, TARGET_LABEL } from './container-session';
export { configureTestcontainers } from './testcontainers-env';
export { CONTAINER_CONTROL_LIMITS } from './container-service-control';
