import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { defineSuite } from '../../harness/kit';
import { providerIdOf } from '../../harness/model/providers';
import type { StartedTarget } from '../../harness/targets';
import { authFor, decodeHeader, defaultHeader, encodeOperation, opcodeCode, WireRequest } from '../../harness/wire';
import { clientAuthOf } from '../../harness/kit';
import {
  clientOf,
  delay,
  describeMs,
  expectPingWithin,
  PING_WITHIN_MS,
  pingMs,
  pingsDuring,
  withThreadPool,
} from './fault-support';

// Clients that misbehave on the socket (issue 9, fault suites): one hangs up in the middle of a request, one writes a
// request a byte at a time, several stall after half a header. The service must keep answering everybody else (Ping
// latency on another connection is measured meanwhile) and answer the slow one correctly. The service is the suite's
// own, with its worker thread count set explicitly (Parsec's default is the CPU count) and its listener timeout the
// harness's 3000 ms, so the figures do not depend on the machine.
const THREADS = 4;
const BYTE_EVERY_MS = 50;
const INPUT = Buffer.from('parsec-conformance slow client');

/** A whole HashCompute(SHA-256, INPUT) request for Mbed Crypto, as the bytes a client writes. */
function hashComputeRequest(target: StartedTarget): Buffer {
  const body = encodeOperation('PsaHashCompute', { alg: 'Sha256', input: INPUT });
  const { authType, auth } = authFor(clientAuthOf(target.auth));
  const header = defaultHeader({
    provider: providerIdOf('mbed'),
    opcode: opcodeCode('PsaHashCompute'),
    authType,
    bodyLen: body.length,
    authLen: auth.length,
  });
  return new WireRequest(header, body, auth).toBytes();
}

function opened(target: StartedTarget): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(target.socketPath);
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes the request `everyMs` apart, one byte at a time, and reads the answer: its status and body. */
async function sendSlowly(
  target: StartedTarget,
  request: Buffer,
  everyMs: number,
): Promise<{ status: string; body: Buffer }> {
  const socket = await opened(target);
  const received: Buffer[] = [];
  socket.on('data', (d: Buffer) => received.push(d));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  try {
    for (const byte of request) {
      if (socket.destroyed) break;
      socket.write(Buffer.of(byte));
      await delay(everyMs);
    }
    await Promise.race([closed, delay(5000)]);
  } finally {
    socket.destroy();
  }
  const all = Buffer.concat(received);
  if (all.length < 36) return { status: `connection closed after ${all.length} response bytes`, body: Buffer.alloc(0) };
  const header = decodeHeader(all.subarray(0, 36));
  return { status: String(header.status), body: all.subarray(36, 36 + header.bodyLen) };
}

defineSuite(
  { name: 'client-faults', opcode: 'Ping', description: 'clients that hang up mid-request, write slowly or stall' },
  (s) => {
    const own = s.ownTarget({ change: withThreadPool(s.context, THREADS) });
    const noMbed = s.context.requestedProviders.includes('mbed')
      ? undefined
      : 'the slow request is a HashCompute, which only Mbed Crypto serves, and the run does not configure it';
    const options = (skip?: string) => ({
      timeoutMs: 60_000,
      ...(own.unavailable || skip ? { skip: own.unavailable ?? skip } : {}),
    });

    s.core((c) => {
      c.case(
        `a client that hangs up after the header and half the body leaves Ping on another connection answered within ${PING_WITHIN_MS} ms, and the next HashCompute is right`,
        async ({ observe }) => {
          const target = await own.up();
          const request = hashComputeRequest(target);
          const socket = await opened(target);
          socket.on('error', () => undefined);
          socket.write(request.subarray(0, 36 + Math.floor((request.length - 36) / 2)));
          await delay(100);
          socket.destroy();
          const ping = await pingMs(target);
          observe({ pingMsAfterHangUp: describeMs(ping) });
          expectPingWithin(ping, PING_WITHIN_MS, 'a client hung up mid-request');
          const digest = await clientOf(target).hashCompute(providerIdOf('mbed'), 'Sha256', INPUT);
          expect(digest).toEqual(createHash('sha256').update(INPUT).digest());
        },
        options(noMbed),
      );

      c.case(
        `a HashCompute written one byte every ${BYTE_EVERY_MS} ms is answered with the right digest, and Ping on another connection answers within ${PING_WITHIN_MS} ms meanwhile`,
        async ({ observe }) => {
          const target = await own.up();
          const request = hashComputeRequest(target);
          const slow = sendSlowly(target, request, BYTE_EVERY_MS);
          const pings = await pingsDuring(target, slow);
          const answer = await slow;
          const worst = Math.max(...pings);
          observe({
            requestBytes: request.length,
            pings: pings.length,
            worstPingMs: describeMs(worst),
            slowStatus: answer.status,
          });
          expect(answer.status).toBe('0');
          expect(answer.body.length).toBeGreaterThan(0);
          expectPingWithin(worst, PING_WITHIN_MS, `a client writing one byte every ${BYTE_EVERY_MS} ms`);
          // The body is the protobuf HashCompute result: field 1, the 32-byte digest.
          expect(answer.body.subarray(answer.body.length - 32)).toEqual(createHash('sha256').update(INPUT).digest());
        },
        { ...options(noMbed), opcode: 'PsaHashCompute' },
      );

      c.case(
        `with thread_pool_size = ${THREADS}, ${THREADS} clients stalled after half a header do not keep Ping on another connection from being answered within ${PING_WITHIN_MS} ms`,
        async ({ observe }) => {
          const target = await own.up();
          const request = hashComputeRequest(target);
          const stalled: Socket[] = [];
          try {
            for (let i = 0; i < THREADS; i++) {
              const socket = await opened(target);
              socket.on('error', () => undefined);
              socket.write(request.subarray(0, 18));
              stalled.push(socket);
            }
            await delay(100);
            const ping = await pingMs(target);
            observe({ pingMsWithStalledClients: describeMs(ping) });
            expectPingWithin(ping, PING_WITHIN_MS, `${THREADS} clients stalled mid-header`);
          } finally {
            for (const socket of stalled) socket.destroy();
          }
        },
        options(),
      );
    });
  },
);
