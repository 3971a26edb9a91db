import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Received {
  to: string[];
  body: string;
}

export interface LocalSmtp {
  /** Every message delivered so far, oldest first. */
  inbox: Received[];
  /** smtp://127.0.0.1:<port>, for the SMTP_URL setting. */
  url: string;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives: mail never leaves the machine. */
export async function startSmtp(): Promise<LocalSmtp> {
  const inbox: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), body: Buffer.concat(chunks).toString('utf8') });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    inbox,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
