import { PROVIDER_FACTS, providerIdOf } from '../../model/providers';
import type { ExtraConfig } from '../spec';
import { tomlEntry, tomlString } from './toml';

/** A provider as it is written into config.toml: every value resolved, secrets included. */
export type ConfiguredProvider =
  | { readonly type: 'mbed' }
  | {
      readonly type: 'pkcs11';
      readonly libraryPath: string;
      readonly serialNumber?: string;
      readonly slotNumber?: number;
      /** undefined: no `user_pin` line at all. */
      readonly userPin?: string;
    }
  | { readonly type: 'tpm'; readonly tcti: string; readonly ownerHierarchyAuth?: string };

export interface ParsecConfigSpec {
  /** Parsec refuses to start as uid 0 unless this is set. */
  readonly allowRoot: boolean;
  readonly socketPath: string;
  readonly sqliteDbPath: string;
  readonly authenticator: 'UnixPeerCredentials' | 'Direct' | 'JwtSvid';
  readonly admins?: readonly string[];
  /** In priority order: the first is the clients' default provider. */
  readonly providers: readonly ConfiguredProvider[];
  readonly logLevel?: 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /** Per-connection read/write timeout; Parsec's CI uses 3000 ms, below a client's own timeout. */
  readonly listenerTimeoutMs?: number;
  /** Settings of the spec that override or add to the tables written here. */
  readonly extra?: ExtraConfig;
}

export const KEY_MANAGER_NAME = 'sqlite-manager';

function providerLines(p: ConfiguredProvider): string[] {
  const lines = [
    '[[provider]]',
    tomlEntry('provider_type', PROVIDER_FACTS[providerIdOf(p.type)].configType ?? ''),
    tomlEntry('key_info_manager', KEY_MANAGER_NAME),
  ];
  switch (p.type) {
    case 'mbed':
      break;
    case 'pkcs11':
      lines.push(tomlEntry('library_path', p.libraryPath));
      // A token is best chosen by serial: slot numbers change when SoftHSM reassigns them.
      if (p.serialNumber !== undefined) lines.push(tomlEntry('serial_number', p.serialNumber));
      if (p.slotNumber !== undefined) lines.push(tomlEntry('slot_number', p.slotNumber));
      if (p.userPin !== undefined) lines.push(tomlEntry('user_pin', p.userPin));
      break;
    case 'tpm':
      lines.push(tomlEntry('tcti', p.tcti), tomlEntry('owner_hierarchy_auth', p.ownerHierarchyAuth ?? ''));
      break;
  }
  return lines;
}

/** `[table]` with its entries; `extra` overrides an entry of the same key in place and appends the others. */
function table(name: string, entries: readonly [string, string | number | boolean][], extra = {}): string[] {
  const merged = new Map<string, string | number | boolean>(entries);
  for (const [k, v] of Object.entries(extra as Record<string, string | number | boolean>)) merged.set(k, v);
  return [`[${name}]`, ...[...merged].map(([k, v]) => tomlEntry(k, v))];
}

function sections(spec: ParsecConfigSpec): string[][] {
  const admins = spec.admins ?? [];
  return [
    table(
      'core_settings',
      [
        ['allow_root', spec.allowRoot],
        // 1 ms instead of the default 10 ms makes a request round trip about 8x faster.
        ['idle_listener_sleep_duration', 1],
        ['log_level', spec.logLevel ?? 'info'],
        // `[2025-01-31T12:00:00.123Z INFO  parsec] …` (UTC, ms): reports cut each case's lines out of the log by time.
        ['log_timestamp', true],
        ['log_error_details', true],
      ],
      spec.extra?.core_settings,
    ),
    table(
      'listener',
      [
        ['listener_type', 'DomainSocket'],
        ['timeout', spec.listenerTimeoutMs ?? 3000],
        ['socket_path', spec.socketPath],
      ],
      spec.extra?.listener,
    ),
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
}

function render(parts: string[][]): string {
  return `${parts.map((s) => s.join('\n')).join('\n\n')}\n`;
}

/** Parsec's config.toml for one service. Pure, so the exact text is unit-tested. */
export function renderParsecConfig(spec: ParsecConfigSpec): string {
  if (spec.providers.length === 0) throw new Error('a Parsec config needs at least one provider');
  const types = spec.providers.map((p) => p.type);
  const duplicate = types.find((t, i) => types.indexOf(t) !== i);
  // Two providers of one type would both take the default name, which Parsec rejects.
  if (duplicate) throw new Error(`provider '${duplicate}' is listed twice`);
  return render(sections(spec));
}

/**
 * A config with no provider at all, to ask a binary what it was built with: Parsec checks the authenticator first
 * and exits, either because it was not compiled in or because no provider is configured (harness/targets/probe).
 */
export function renderProbeConfig(spec: Omit<ParsecConfigSpec, 'providers'>): string {
  return render(sections({ ...spec, providers: [] }));
}
