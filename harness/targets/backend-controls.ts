/**
 * Faults a suite can cause in a target's backends while the service runs: what the fault suites and the TPM reset and
 * token removal cases need. A target offers them only for backends it started itself (never a TPM or token of the
 * user's), and undoes what is still in force when it stops, also when the case that caused it failed.
 */

/** Signals the fault suites send to the swtpm process: killed, frozen, thawed. */
export type SwtpmSignal = 'SIGKILL' | 'SIGSTOP' | 'SIGCONT';

export interface SwtpmControls {
  /** Names the component in failure messages, e.g. `swtpm on 127.0.0.1:40123`. */
  readonly component: string;
  /** Sends the signal to the swtpm process itself (not its watchdog). */
  signal(signal: SwtpmSignal): Promise<void>;
  /** Whether the swtpm process is still there (a stopped one is). */
  running(): boolean;
  /** Starts swtpm again on the same ports and TPM state after it was killed (a power loss: Startup CLEAR follows). */
  restart(): Promise<void>;
  /** A TPM reset: TPM_Init through swtpm's control channel, then TPM2_Startup(CLEAR) through its server port. */
  powerCycle(): Promise<void>;
}

/** Undoes one fault; idempotent. */
export type Undo = () => Promise<void>;

export interface TokenControls {
  /** Names the component in failure messages, e.g. `SoftHSM2 token directory /tmp/…/tokens`. */
  readonly component: string;
  /** Moves the token's own folder out of SoftHSM2's token directory; the undo moves it back. */
  remove(): Promise<Undo>;
  /** Makes the token directory read-only with a read-only bind mount (mode bits do not stop root); the undo lifts it. */
  readOnly(): Promise<Undo>;
}

export interface BackendControls {
  readonly swtpm?: SwtpmControls;
  readonly token?: TokenControls;
}
