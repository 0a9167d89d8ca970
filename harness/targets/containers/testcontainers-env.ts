/**
 * testcontainers' reaper (Ryuk) and its host-address helper are images that cannot be pulled on a machine without a
 * registry; with these settings nothing is pulled. The harness removes what it starts itself
 * (container-session.ts). A user's own settings win.
 */
export function configureTestcontainers(env: NodeJS.ProcessEnv = process.env): void {
  env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  env.TESTCONTAINERS_HOST_OVERRIDE ??= 'localhost';
}
