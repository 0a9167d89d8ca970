import type { ProviderKey } from '../../model/providers';
import type { NativeTargetOptions, ParsecBinary } from '../target';
import { startNativeTarget, type NativeTarget } from './native-target';

/** `nativeTarget(parsec).withProviders(['mbed', 'tpm']).withAdmins(['0']).start()`. Nothing runs before start(). */
export class NativeTargetBuilder {
  private options: NativeTargetOptions;

  constructor(parsec: ParsecBinary) {
    this.options = { parsec, providers: ['mbed'] };
  }

  withProviders(providers: readonly ProviderKey[]): this {
    this.options = { ...this.options, providers };
    return this;
  }

  withAuthenticator(authenticator: 'UnixPeerCredentials' | 'Direct'): this {
    this.options = { ...this.options, authenticator };
    return this;
  }

  withAdmins(admins: readonly string[]): this {
    this.options = { ...this.options, admins };
    return this;
  }

  withReadyTimeout(readyTimeoutMs: number): this {
    this.options = { ...this.options, readyTimeoutMs };
    return this;
  }

  withLog(log: (line: string) => void): this {
    this.options = { ...this.options, log };
    return this;
  }

  start(): Promise<NativeTarget> {
    return startNativeTarget(this.options);
  }
}

export function nativeTarget(parsec: ParsecBinary): NativeTargetBuilder {
  return new NativeTargetBuilder(parsec);
}
