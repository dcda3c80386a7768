import { createTransport } from 'nodemailer';

/** One message to send. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
  headers?: Record<string, string> | undefined;
}

/** What sends mail; tests and the app build it from config, or pass their own. */
export interface Mailer {
  send(m: MailMessage): Promise<void>;
  close(): void;
}

/** An SMTP mailer for smtp:// or smtps:// (user and password in the URL), From fixed. */
export function smtpMailer(p: { smtpUrl: string; from: string }): Mailer {
  const transport = createTransport(p.smtpUrl);
  return {
    async send(m) {
      await transport.sendMail({ from: p.from, to: m.to, subject: m.subject, text: m.text, html: m.html, headers: m.headers });
    },
    close: () => transport.close(),
  };
}
