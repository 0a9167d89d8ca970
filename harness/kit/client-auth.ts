import type { ClientAuth } from '../targets';
import type { ClientAuthConfig } from '../wire';

/** Maps the target's authenticator onto the wire client's auth setting. */
export function clientAuthOf(auth: ClientAuth): ClientAuthConfig {
  switch (auth.kind) {
    case 'none':
      return 'none';
    case 'direct':
      return { direct: auth.appName };
    case 'unix-peer':
      return 'unix-peer';
  }
}
