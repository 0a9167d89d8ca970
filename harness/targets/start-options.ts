export interface StartOptions {
  /** Progress lines (never secrets). */
  readonly log?: (line: string) => void;
  /** Milliseconds to wait for the service to answer Ping before giving up (default 15000). */
  readonly readyTimeoutMs?: number;
}
