import { inspect } from 'node:util';
import type { ProviderIdValue } from './provider-id';
import { authFor, describeAuth, type AuthConfig } from './auth';
import { decodeResult, encodeOperation } from './convert-operations';
import { RequestRefusedError, ServiceStatusError, TransportError } from './errors';
import { defaultHeader, type WireHeader } from './header';
import { opcodeCode, opcodeName, type OpcodeName } from './opcodes';
import { gateRequest, noteRequest, summarizeOperation, type SentRequest } from './request-watch';
import { WireRequest } from './request';
import { statusName, type StatusName, type UnknownStatusName } from './status';
import { sendRequest, type TransportOptions } from './transport';
import type {
  Aead,
  AsymmetricEncryption,
  AsymmetricSignature,
  AttestationOutput,
  AttestationParams,
  AuthenticatorInfo,
  CheckType,
  Cipher,
  Hash,
  KeyAttributes,
  KeyInfo,
  Mac,
  OperationOf,
  PrepareKeyAttestationOutput,
  PrepareKeyAttestationParams,
  ProviderInfo,
  RawKeyAgreement,
  ResultOf,
} from './types';

export interface ParsecClientOptions {
  readonly socketPath: string;
  readonly auth: AuthConfig;
  readonly connectTimeoutMs?: number;
  readonly readTimeoutMs?: number;
}

/** What the request watchers learn of a request that got no answer (no secret: the transport's reason). */
function noAnswerOf(e: unknown, socketPath: string): Pick<SentRequest, 'noAnswer'> {
  if (!(e instanceof TransportError)) return {};
  return {
    noAnswer: { reason: e.reason, ...(e.timeoutMs !== undefined ? { timeoutMs: e.timeoutMs } : {}), socketPath },
  };
}

/**
 * Provider ids travel as one header byte. Typed as a plain number on purpose: tests send ids the service
 * does not know (6, 200) to check its refusals.
 */
export type ProviderArg = ProviderIdValue | number;

export interface RawRequest {
  /** Any header field; the rest default to a valid Ping to Core with this client's auth. */
  readonly header?: Partial<WireHeader>;
  readonly body?: Uint8Array;
  /** Replaces this client's auth field (and, unless the header says otherwise, auth_len). */
  readonly auth?: Uint8Array;
  /** Sent instead of header + body + auth, for truncated or otherwise hand-made requests. */
  readonly rawBytes?: Uint8Array;
  /** Half-close after writing, so the service sees end-of-stream at once instead of timing out. */
  readonly closeAfterWrite?: boolean;
}

export interface RawResponse {
  readonly header: WireHeader;
  readonly body: Buffer;
  readonly status: number;
  readonly statusName: StatusName | UnknownStatusName;
}

/**
 * Parsec client for conformance tests: one connection per request, typed methods that throw
 * ServiceStatusError on any non-success status, and `raw()` for requests a real client would never send.
 */
export class ParsecClient {
  readonly socketPath: string;
  readonly #auth: AuthConfig;
  readonly #transport: TransportOptions;

  constructor(options: ParsecClientOptions) {
    this.socketPath = options.socketPath;
    this.#auth = options.auth;
    this.#transport = {
      socketPath: options.socketPath,
      connectTimeoutMs: options.connectTimeoutMs,
      readTimeoutMs: options.readTimeoutMs,
    };
  }

  /** A client on the same socket with other credentials (e.g. a second Direct identity). */
  withAuth(auth: AuthConfig): ParsecClient {
    return new ParsecClient({ ...this.#transport, auth });
  }

  toString(): string {
    return `ParsecClient(${this.socketPath}, auth ${describeAuth(this.#auth)})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }

  /** Throws without sending when the process's request gate refuses the request (harness/kit's hang guard). */
  #refuseIfGated(opcode: string, provider: number): void {
    const why = gateRequest({ opcode, provider, socketPath: this.socketPath });
    if (why !== undefined) throw new RequestRefusedError(opcode, provider, why);
  }

  /** The typed path every method uses: encode, send, check status, decode. */
  async call<N extends OpcodeName>(opcode: N, provider: ProviderArg, operation: OperationOf<N>): Promise<ResultOf<N>> {
    const body = encodeOperation(opcode, operation);
    const { authType, auth } = authFor(this.#auth);
    const header = defaultHeader({
      provider,
      opcode: opcodeCode(opcode),
      authType,
      bodyLen: body.length,
      authLen: auth.length,
    });
    const request = new WireRequest(header, body, auth);
    const sent = { opcode, provider, summary: summarizeOperation(operation) };
    this.#refuseIfGated(opcode, provider);
    let response;
    try {
      response = await sendRequest(this.#transport, request.toBytes(), { description: request.describe() });
    } catch (e) {
      noteRequest({ ...sent, ...noAnswerOf(e, this.socketPath) });
      throw e;
    }
    noteRequest({ ...sent, status: statusName(response.header.status) });
    if (response.header.status !== 0) {
      throw new ServiceStatusError({
        status: response.header.status,
        statusName: statusName(response.header.status),
        opcode,
        provider,
      });
    }
    return decodeResult(opcode, response.body);
  }

  /** Sends whatever it is given and returns the answer, whatever its status. */
  async raw(request: RawRequest = {}): Promise<RawResponse> {
    const defaults = authFor(this.#auth);
    const auth = request.auth ? Buffer.from(request.auth) : defaults.auth;
    const body = Buffer.from(request.body ?? []);
    const header = defaultHeader({
      authType: defaults.authType,
      bodyLen: body.length,
      authLen: auth.length,
      ...request.header,
    });
    const wire = new WireRequest(header, body, auth);
    const bytes = request.rawBytes ? Buffer.from(request.rawBytes) : wire.toBytes();
    const sent = {
      opcode: opcodeName(header.opcode),
      provider: header.provider,
      summary: request.rawBytes ? `${bytes.length} raw bytes` : `raw request, body ${body.length} bytes`,
    };
    this.#refuseIfGated(sent.opcode, sent.provider);
    let response;
    try {
      response = await sendRequest(this.#transport, bytes, {
        closeAfterWrite: request.closeAfterWrite,
        description: request.rawBytes ? `${bytes.length} raw bytes` : wire.describe(),
      });
    } catch (e) {
      noteRequest({ ...sent, ...noAnswerOf(e, this.socketPath) });
      throw e;
    }
    const status = response.header.status;
    noteRequest({ ...sent, status: statusName(status) });
    return { header: response.header, body: response.body, status, statusName: statusName(status) };
  }

  // ------------------------------------------------------------------------------------------------ core

  ping(): Promise<ResultOf<'Ping'>> {
    return this.call('Ping', 0, {});
  }

  async listProviders(): Promise<ProviderInfo[]> {
    return (await this.call('ListProviders', 0, {})).providers;
  }

  /** The opcodes `providerId` serves; the request itself goes to Core. The order means nothing. */
  async listOpcodes(providerId: ProviderArg): Promise<number[]> {
    return (await this.call('ListOpcodes', 0, { providerId })).opcodes;
  }

  async listAuthenticators(): Promise<AuthenticatorInfo[]> {
    return (await this.call('ListAuthenticators', 0, {})).authenticators;
  }

  async listKeys(): Promise<KeyInfo[]> {
    return (await this.call('ListKeys', 0, {})).keys;
  }

  async listClients(): Promise<string[]> {
    return (await this.call('ListClients', 0, {})).clients;
  }

  async deleteClient(client: string): Promise<void> {
    await this.call('DeleteClient', 0, { client });
  }

  // ------------------------------------------------------------------------------------------------ keys

  async generateKey(provider: ProviderArg, keyName: string, attributes: KeyAttributes): Promise<void> {
    await this.call('PsaGenerateKey', provider, { keyName, attributes });
  }

  async importKey(provider: ProviderArg, keyName: string, attributes: KeyAttributes, data: Uint8Array): Promise<void> {
    await this.call('PsaImportKey', provider, { keyName, attributes, data });
  }

  async exportPublicKey(provider: ProviderArg, keyName: string): Promise<Buffer> {
    return (await this.call('PsaExportPublicKey', provider, { keyName })).data;
  }

  async exportKey(provider: ProviderArg, keyName: string): Promise<Buffer> {
    return (await this.call('PsaExportKey', provider, { keyName })).data;
  }

  async destroyKey(provider: ProviderArg, keyName: string): Promise<void> {
    await this.call('PsaDestroyKey', provider, { keyName });
  }

  // ----------------------------------------------------------------------------------------- signatures

  async signHash(provider: ProviderArg, keyName: string, alg: AsymmetricSignature, hash: Uint8Array): Promise<Buffer> {
    return (await this.call('PsaSignHash', provider, { keyName, alg, hash })).signature;
  }

  async verifyHash(
    provider: ProviderArg,
    keyName: string,
    alg: AsymmetricSignature,
    hash: Uint8Array,
    signature: Uint8Array,
  ): Promise<void> {
    await this.call('PsaVerifyHash', provider, { keyName, alg, hash, signature });
  }

  async signMessage(
    provider: ProviderArg,
    keyName: string,
    alg: AsymmetricSignature,
    message: Uint8Array,
  ): Promise<Buffer> {
    return (await this.call('PsaSignMessage', provider, { keyName, alg, message })).signature;
  }

  async verifyMessage(
    provider: ProviderArg,
    keyName: string,
    alg: AsymmetricSignature,
    message: Uint8Array,
    signature: Uint8Array,
  ): Promise<void> {
    await this.call('PsaVerifyMessage', provider, { keyName, alg, message, signature });
  }

  // ----------------------------------------------------------------------------------------- encryption

  async asymmetricEncrypt(
    provider: ProviderArg,
    keyName: string,
    alg: AsymmetricEncryption,
    plaintext: Uint8Array,
    salt?: Uint8Array,
  ): Promise<Buffer> {
    return (await this.call('PsaAsymmetricEncrypt', provider, { keyName, alg, plaintext, salt })).ciphertext;
  }

  async asymmetricDecrypt(
    provider: ProviderArg,
    keyName: string,
    alg: AsymmetricEncryption,
    ciphertext: Uint8Array,
    salt?: Uint8Array,
  ): Promise<Buffer> {
    return (await this.call('PsaAsymmetricDecrypt', provider, { keyName, alg, ciphertext, salt })).plaintext;
  }

  /** Returns the ciphertext with the tag appended. */
  async aeadEncrypt(
    provider: ProviderArg,
    keyName: string,
    alg: Aead,
    nonce: Uint8Array,
    additionalData: Uint8Array,
    plaintext: Uint8Array,
  ): Promise<Buffer> {
    return (await this.call('PsaAeadEncrypt', provider, { keyName, alg, nonce, additionalData, plaintext })).ciphertext;
  }

  async aeadDecrypt(
    provider: ProviderArg,
    keyName: string,
    alg: Aead,
    nonce: Uint8Array,
    additionalData: Uint8Array,
    ciphertext: Uint8Array,
  ): Promise<Buffer> {
    return (await this.call('PsaAeadDecrypt', provider, { keyName, alg, nonce, additionalData, ciphertext })).plaintext;
  }

  /** For IV modes the result starts with the IV the service chose. */
  async cipherEncrypt(provider: ProviderArg, keyName: string, alg: Cipher, plaintext: Uint8Array): Promise<Buffer> {
    return (await this.call('PsaCipherEncrypt', provider, { keyName, alg, plaintext })).ciphertext;
  }

  async cipherDecrypt(provider: ProviderArg, keyName: string, alg: Cipher, ciphertext: Uint8Array): Promise<Buffer> {
    return (await this.call('PsaCipherDecrypt', provider, { keyName, alg, ciphertext })).plaintext;
  }

  /** Not served by the service (it answers OpcodeDoesNotExist); here to prove exactly that. */
  async macCompute(provider: ProviderArg, keyName: string, alg: Mac, input: Uint8Array): Promise<Buffer> {
    return (await this.call('PsaMacCompute', provider, { keyName, alg, input })).mac;
  }

  /** Not served by the service (it answers OpcodeDoesNotExist); here to prove exactly that. */
  async macVerify(provider: ProviderArg, keyName: string, alg: Mac, input: Uint8Array, mac: Uint8Array): Promise<void> {
    await this.call('PsaMacVerify', provider, { keyName, alg, input, mac });
  }

  // ------------------------------------------------------------------------------------- keyless crypto

  async hashCompute(provider: ProviderArg, alg: Hash, input: Uint8Array): Promise<Buffer> {
    return (await this.call('PsaHashCompute', provider, { alg, input })).hash;
  }

  /** Resolves when the hash matches; a mismatch is a ServiceStatusError. */
  async hashCompare(provider: ProviderArg, alg: Hash, input: Uint8Array, hash: Uint8Array): Promise<void> {
    await this.call('PsaHashCompare', provider, { alg, input, hash });
  }

  async rawKeyAgreement(
    provider: ProviderArg,
    alg: RawKeyAgreement,
    privateKeyName: string,
    peerKey: Uint8Array,
  ): Promise<Buffer> {
    return (await this.call('PsaRawKeyAgreement', provider, { alg, privateKeyName, peerKey })).sharedSecret;
  }

  async generateRandom(provider: ProviderArg, size: number | bigint): Promise<Buffer> {
    return (await this.call('PsaGenerateRandom', provider, { size })).randomBytes;
  }

  /** Resolves when supported; "not supported" comes back as PsaErrorNotSupported or PsaErrorNotPermitted. */
  async canDoCrypto(provider: ProviderArg, checkType: CheckType, attributes: KeyAttributes): Promise<void> {
    await this.call('CanDoCrypto', provider, { checkType, attributes });
  }

  // -------------------------------------------------------------------------------------- attestation

  async prepareKeyAttestation(
    provider: ProviderArg,
    parameters: PrepareKeyAttestationParams,
  ): Promise<PrepareKeyAttestationOutput> {
    return (await this.call('PrepareKeyAttestation', provider, { parameters })).output;
  }

  async attestKey(
    provider: ProviderArg,
    attestedKeyName: string,
    parameters: AttestationParams,
    attestingKeyName?: string,
  ): Promise<AttestationOutput> {
    return (await this.call('AttestKey', provider, { attestedKeyName, parameters, attestingKeyName })).output;
  }
}
