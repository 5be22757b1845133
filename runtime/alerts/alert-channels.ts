import { createHmac } from 'node:crypto';
import { createTransport } from 'nodemailer';
import type { SmtpSettings, WebhookAlertSettings } from './alert-settings.ts';

export interface AlertEmail {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  /** Stable per batch: a resent alert carries the same Message-ID, so mail clients can drop it. */
  readonly messageId: string;
}

const TIMEOUT_MS = 15_000;

/** Sends one e-mail over SMTP (nodemailer); rejects when the server did not accept it. */
export async function sendAlertEmail(smtp: SmtpSettings, email: AlertEmail): Promise<void> {
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port ?? (smtp.secure ? 465 : 587),
    secure: smtp.secure ?? false,
    requireTLS: smtp.requireTls ?? false,
    ...(smtp.user === undefined ? {} : { auth: { user: smtp.user, pass: smtp.password ?? '' } }),
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  try {
    const info = await transport.sendMail({
      from: email.from,
      to: [...email.to],
      subject: email.subject,
      text: email.text,
      messageId: email.messageId,
    });
    if (info.accepted.length === 0)
      throw new Error(`the SMTP server accepted no recipient: ${info.response}`);
  } finally {
    transport.close();
  }
}

/**
 * POSTs the alert as JSON. Signed with the webhook's secret when it has one; `X-Koppla-Delivery`
 * is the batch id, the same on a resend, so the receiver can drop duplicates.
 */
export async function postAlertWebhook(
  webhook: WebhookAlertSettings,
  deliveryId: string,
  payload: unknown,
): Promise<void> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'koppla-alerts',
    'x-koppla-delivery': deliveryId,
  };
  if (webhook.secret) {
    headers['x-koppla-signature'] =
      `sha256=${createHmac('sha256', webhook.secret).update(body).digest('hex')}`;
  }
  const response = await fetch(webhook.url, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  // the body is drained, not read into the error: it is the receiver's, and may echo anything
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) throw new Error(`the alert webhook answered HTTP ${response.status}`);
}
