import { PROVIDER_FACTS, providerIdOf } from '../../model/providers';
import { tomlEntry, tomlString } from './toml';

export type ProviderSpec =
  | { readonly type: 'mbed' }
  | { readonly type: 'pkcs11'; readonly libraryPath: string; readonly serialNumber: string; readonly userPin: string }
  | { readonly type: 'tpm'; readonly tcti: string; readonly ownerHierarchyAuth?: string };

export interface ParsecConfigSpec {
  /** Parsec refuses to start as uid 0 unless this is set. */
  readonly allowRoot: boolean;
  readonly socketPath: string;
  readonly sqliteDbPath: string;
  readonly authenticator: 'UnixPeerCredentials' | 'Direct';
  readonly admins?: readonly string[];
  /** In priority order: the first is the clients' default provider. */
  readonly providers: readonly ProviderSpec[];
  readonly logLevel?: 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /** Per-connection read/write timeout; Parsec's CI uses 3000 ms, below a client's own timeout. */
  readonly listenerTimeoutMs?: number;
}

export const KEY_MANAGER_NAME = 'sqlite-manager';

function providerLines(p: ProviderSpec): string[] {
  const lines = [
    '[[provider]]',
    tomlEntry('provider_type', PROVIDER_FACTS[providerIdOf(p.type)].configType ?? ''),
    tomlEntry('key_info_manager', KEY_MANAGER_NAME),
  ];
  switch (p.type) {
    case 'mbed':
      break;
    case 'pkcs11':
      lines.push(
        tomlEntry('library_path', p.libraryPath),
        // The token is chosen by serial: slot numbers change when SoftHSM reassigns them.
        tomlEntry('serial_number', p.serialNumber),
        tomlEntry('user_pin', p.userPin),
      );
      break;
    case 'tpm':
      lines.push(tomlEntry('tcti', p.tcti), tomlEntry('owner_hierarchy_auth', p.ownerHierarchyAuth ?? ''));
      break;
  }
  return lines;
}

/** Parsec's config.toml for one run. Pure, so the exact text is unit-tested. */
export function renderParsecConfig(spec: ParsecConfigSpec): string {
  if (spec.providers.length === 0) throw new Error('a Parsec config needs at least one provider');
  const types = spec.providers.map((p) => p.type);
  const duplicate = types.find((t, i) => types.indexOf(t) !== i);
  // Two providers of one type would both take the default name, which Parsec rejects.
  if (duplicate) throw new Error(`provider '${duplicate}' is listed twice`);
  const admins = spec.admins ?? [];
  const sections = [
    [
      '[core_settings]',
      tomlEntry('allow_root', spec.allowRoot),
      // 1 ms instead of the default 10 ms makes a request round trip about 8x faster.
      tomlEntry('idle_listener_sleep_duration', 1),
      tomlEntry('log_level', spec.logLevel ?? 'info'),
      tomlEntry('log_error_details', true),
    ],
    [
      '[listener]',
      tomlEntry('listener_type', 'DomainSocket'),
      tomlEntry('timeout', spec.listenerTimeoutMs ?? 3000),
      tomlEntry('socket_path', spec.socketPath),
    ],
    [
      '[authenticator]',
      tomlEntry('auth_type', spec.authenticator),
      ...(admins.length > 0 ? [`admins = [${admins.map((a) => `{ name = ${tomlString(a)} }`).join(', ')}]`] : []),
    ],
    [
      '[[key_manager]]',
      tomlEntry('name', KEY_MANAGER_NAME),
      tomlEntry('manager_type', 'SQLite'),
      tomlEntry('sqlite_db_path', spec.sqliteDbPath),
    ],
    ...spec.providers.map(providerLines),
  ];
  return `${sections.map((s) => s.join('\n')).join('\n\n')}\n`;
}
