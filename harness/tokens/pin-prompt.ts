import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/**
 * Asks for a PIN on the terminal without echoing it. Resolves undefined when standard input is not a terminal (a
 * script, CI): there is nobody to ask. An empty answer is an empty PIN.
 */
export function promptPin(question: string): Promise<string | undefined> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return Promise.resolve(undefined);
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}
