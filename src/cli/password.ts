import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/**
 * A password never comes from argv (other users could read it in the process list): it is
 * read from --password-file, from standard input when that is not a terminal, or typed at a
 * prompt that does not echo.
 */
export async function readPassword(options: { passwordFile?: string; confirm?: boolean }): Promise<string> {
  if (options.passwordFile) {
    return readFileSync(options.passwordFile, 'utf8').replace(/\r?\n$/, '');
  }
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return (Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '').trimEnd();
  }
  const first = await prompt('Password (at least 12 characters): ');
  if (options.confirm) {
    const again = await prompt('Repeat the password: ');
    if (again !== first) throw new Error('The two passwords differ. Nothing was created.');
  }
  return first;
}

async function prompt(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  process.stdout.write(question);
  muted = true;
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stdout.write('\n');
  return answer;
}
