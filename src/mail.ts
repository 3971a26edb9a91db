import type { Transporter } from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Sends mail when SMTP is configured; `enabled` tells callers whether to show links instead. */
export interface Mailer {
  enabled: boolean;
  send(mail: Mail): Promise<void>;
}

export function createMailer(smtpUrl: string | undefined, from: string): Mailer {
  if (!smtpUrl) {
    return {
      enabled: false,
      send: async () => {
        throw new Error('No mail server is configured (set SMTP_URL).');
      },
    };
  }
  // nodemailer loads with the first mail, not with the server.
  let transport: Promise<Transporter> | null = null;
  return {
    enabled: true,
    send: async (mail) => {
      transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(smtpUrl));
      await (await transport).sendMail({ from, ...mail });
    },
  };
}
