import nodemailer from 'nodemailer';

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
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    enabled: true,
    send: async (mail) => {
      await transport.sendMail({ from, ...mail });
    },
  };
}
