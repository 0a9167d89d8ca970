const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
};

/** A TOML basic string: quotes, backslashes and every control character escaped, everything else literal. */
export function tomlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    if (SHORT_ESCAPES[ch] !== undefined) out += SHORT_ESCAPES[ch];
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** `key = value` for the scalar types the Parsec config uses. */
export function tomlEntry(key: string, value: string | number | boolean): string {
  if (typeof value === 'string') return `${key} = ${tomlString(value)}`;
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new Error(`${key}: ${value} is not an integer`);
  return `${key} = ${String(value)}`;
}
