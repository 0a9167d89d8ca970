/** Where the Parsec binary comes from; resolved by harness/setup. */
export interface ParsecBinary {
  /** Absolute path of the `parsec` executable. */
  readonly path: string;
  /** Extra LD_LIBRARY_PATH entries the binary needs (the private prefix of an unpacked Debian package). */
  readonly libraryPath?: string;
  /** Where it came from, for reports: 'custom' (--parsec-bin), 'path' (parsec on PATH) or 'debian:<suite>'. */
  readonly origin: string;
  /** Debian package version when known, e.g. '1.4.1-3+b2'. The version actually run is read from ListProviders. */
  readonly packageVersion?: string;
  /** Every Debian package unpacked with it (name → version): the libraries it really runs with. */
  readonly packages?: Readonly<Record<string, string>>;
  /**
   * A dynamic loader to start it through (`<loader> --library-path <libraryPath> <path>`), for a binary linked
   * against a newer C library than this machine's: the harness's own source builds on an older Debian.
   */
  readonly loader?: string;
}
