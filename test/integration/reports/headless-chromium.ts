import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/**
 * Debian's Chromium, headless, driven through the DevTools protocol on a pipe (--remote-debugging-pipe: JSON messages
 * ended by NUL on fds 3 and 4), so no port and no client library are involved. Every request goes to a proxy of ours
 * that counts and refuses it, and host names resolve to nothing: a page that reached for the network would show.
 */
export interface PageVisit {
  /** Every request the page made (Network.requestWillBeSent), its own document included. */
  readonly requests: readonly string[];
  /** Connections that reached the refusing proxy: any network use by the browser at all. */
  readonly proxyConnections: number;
  /** Content-Security-Policy violations the page reported (a blocked request never reaches the counters above). */
  readonly cspViolations: readonly string[];
  /** Runtime.evaluate of each probe expression after load, in order, as JSON. */
  readonly probes: readonly unknown[];
  /** A screenshot after each probe. */
  readonly screenshots: readonly Buffer[];
  /** From navigation to the load event, and the page's own rendering time (its data-rendered-ms), in ms. */
  readonly loadMs: number;
}

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

const TIMEOUT_MS = 60_000;

class Pipe {
  private nextId = 1;
  private buffer = '';
  private readonly pending = new Map<
    number,
    { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }
  >();
  private readonly listeners: ((m: Message) => void)[] = [];

  constructor(
    private readonly out: Writable,
    input: Readable,
  ) {
    input.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      let end: number;
      while ((end = this.buffer.indexOf('\0')) >= 0) {
        const m = JSON.parse(this.buffer.slice(0, end)) as Message;
        this.buffer = this.buffer.slice(end + 1);
        if (m.id !== undefined) {
          const p = this.pending.get(m.id);
          this.pending.delete(m.id);
          if (m.error) p?.reject(new Error(`DevTools: ${m.error.message}`));
          else p?.resolve(m.result ?? {});
        } else {
          for (const l of this.listeners) l(m);
        }
      }
    });
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    this.out.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  on(listener: (m: Message) => void): void {
    this.listeners.push(listener);
  }

  waitFor(method: string, sessionId: string): Promise<Message> {
    return new Promise((resolve) => this.on((m) => m.method === method && m.sessionId === sessionId && resolve(m)));
  }
}

function refusingProxy(): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0;
  const server = createServer((socket) => {
    count += 1;
    socket.destroy();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0, connections: () => count });
    }),
  );
}

async function withTimeout<T>(what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer after ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Opens `url` in a fresh headless Chromium at the given viewport; after load, evaluates each probe and screenshots. */
export async function visitPage(
  url: string,
  probes: readonly string[],
  viewport = { width: 1400, height: 1800 },
): Promise<PageVisit> {
  const chromium = (process.env.PATH ?? '').split(':').find((d) => d && existsSync(join(d, 'chromium')));
  if (!chromium) throw new Error("no chromium on PATH; `parsec-conformance setup` installs Debian's chromium");
  const profile = mkdtempSync(join(tmpdir(), 'pc-chromium-'));
  const proxy = await refusingProxy();
  const args = [
    '--headless',
    '--no-sandbox', // the harness's tests run as root
    '--disable-gpu',
    '--remote-debugging-pipe',
    `--user-data-dir=${profile}`,
    `--proxy-server=http://127.0.0.1:${proxy.port}`,
    '--proxy-bypass-list=<-loopback>',
    '--host-resolver-rules=MAP * ~NOTFOUND',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--disable-extensions',
    '--hide-scrollbars',
    'about:blank',
  ];
  const browser: ChildProcess = spawn('chromium', args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  let stderr = '';
  browser.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<never>((_, reject) => {
    browser.on('exit', (code) => reject(new Error(`chromium exited (${code}):\n${stderr.slice(-2000)}`)));
    browser.on('error', (e) =>
      reject(
        new Error(`chromium could not start (${e.message}); \`parsec-conformance setup\` installs Debian's chromium`),
      ),
    );
  });
  exited.catch(() => undefined);
  const pipe = new Pipe(browser.stdio[3] as Writable, browser.stdio[4] as Readable);
  try {
    const run = async (): Promise<PageVisit> => {
      const { targetId } = await pipe.send('Target.createTarget', { url: 'about:blank' });
      const { sessionId } = (await pipe.send('Target.attachToTarget', { targetId, flatten: true })) as {
        sessionId: string;
      };
      const requests: string[] = [];
      pipe.on((m) => {
        if (m.sessionId !== sessionId) return;
        if (m.method === 'Network.requestWillBeSent') {
          requests.push(String((m.params?.request as { url: string }).url));
        }
        if (m.method === 'Fetch.requestPaused') {
          // Only the report itself may load; anything else is refused (and counted above).
          const request = m.params?.request as { url: string };
          const requestId = m.params?.requestId;
          void (request.url === url
            ? pipe.send('Fetch.continueRequest', { requestId }, sessionId)
            : pipe.send('Fetch.failRequest', { requestId, errorReason: 'BlockedByClient' }, sessionId));
        }
      });
      await pipe.send('Network.enable', {}, sessionId);
      await pipe.send('Fetch.enable', { patterns: [{ urlPattern: '*' }] }, sessionId);
      await pipe.send('Page.enable', {}, sessionId);
      await pipe.send(
        'Page.addScriptToEvaluateOnNewDocument',
        {
          source:
            "window.__csp = []; document.addEventListener('securitypolicyviolation', function (e) { window.__csp.push(e.violatedDirective + ' ' + e.blockedURI); });",
        },
        sessionId,
      );
      await pipe.send(
        'Emulation.setDeviceMetricsOverride',
        { ...viewport, deviceScaleFactor: 1, mobile: false },
        sessionId,
      );
      const loaded = pipe.waitFor('Page.loadEventFired', sessionId);
      const t0 = Date.now();
      await pipe.send('Page.navigate', { url }, sessionId);
      await loaded;
      const loadMs = Date.now() - t0;
      const evaluate = async (expression: string) => {
        const r = (await pipe.send('Runtime.evaluate', { expression, returnByValue: true }, sessionId)) as {
          result: { value?: unknown };
          exceptionDetails?: { text: string; exception?: { description?: string } };
        };
        if (r.exceptionDetails) {
          throw new Error(`${expression}: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
        }
        return r.result.value;
      };
      const probed: unknown[] = [];
      const screenshots: Buffer[] = [];
      for (const probe of probes) {
        probed.push(await evaluate(probe));
        const shot = (await pipe.send('Page.captureScreenshot', { format: 'png' }, sessionId)) as { data: string };
        screenshots.push(Buffer.from(shot.data, 'base64'));
      }
      const cspViolations = (await evaluate('window.__csp')) as string[];
      return { requests, proxyConnections: proxy.connections(), cspViolations, probes: probed, screenshots, loadMs };
    };
    return await withTimeout(`chromium visiting ${url}`, Promise.race([run(), exited]));
  } finally {
    const gone = new Promise((resolve) =>
      browser.exitCode !== null ? resolve(undefined) : browser.once('exit', resolve),
    );
    void pipe.send('Browser.close').catch(() => undefined);
    await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    browser.kill('SIGKILL');
    proxy.server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
