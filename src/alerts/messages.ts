import type { AlertRecord } from './view.ts';
import type { WebhookFormat } from '../labels.ts';

const pct = (v: number) => `${Math.round(v * 100)}%`;

/** An alert in one sentence, for chat and email: who, what, that day against the baseline. */
export function alertSentence(a: AlertRecord): string {
  if (a.metric === 'concern_share')
    return `${a.entity.replace(/_/g, ' ')}: raised in ${pct(a.value)} of relevant items on ${a.day} (${a.count} items), against ${pct(a.baseline)} in the baseline (z = ${a.score.toFixed(1)}).`;
  if (a.metric === 'volume')
    return `${a.entity}: ${a.count} relevant items on ${a.day}, against a baseline of ${a.baseline.toFixed(1)} a day (p = ${a.pValue < 0.0001 ? '< 0.0001' : a.pValue.toPrecision(2)}).`;
  return `${a.entity}: worry share ${pct(a.value)} on ${a.day} (${a.count} items), against ${pct(a.baseline)} in the baseline (z = ${a.score.toFixed(1)}).`;
}

const METRIC_NAMES: Record<string, string> = { volume: 'volume spike', worry_share: 'worry share spike', concern_share: 'concern rising' };
export const alertTitle = (a: AlertRecord) => `Pulse alert: ${METRIC_NAMES[a.metric] ?? a.metric} for ${a.entity.replace(/_/g, ' ')}`;

/** Escapes the characters Slack and Mattermost treat as markup in text. */
const slackText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The body an incoming webhook of a chat tool takes for one alert (Slack, Discord, Microsoft
 * Teams Workflows and classic connectors, Mattermost). Pure; `link` is where to read more.
 */
export function chatMessage(format: Exclude<WebhookFormat, 'generic'>, a: AlertRecord, link: string | undefined): Record<string, unknown> {
  return chatNotice(format, { title: alertTitle(a), text: alertSentence(a), link, color: a.metric === 'volume' ? 0x1a4fd6 : 0xb3261e });
}

/** Any notice (an alert, a watch's new items) as a chat tool's incoming-webhook message. */
export function chatNotice(
  format: Exclude<WebhookFormat, 'generic'>,
  n: { title: string; text: string; link?: string | undefined; color?: number },
): Record<string, unknown> {
  const { title, text, link } = n;
  switch (format) {
    case 'slack':
      return {
        text: `${title}. ${text}`,
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
          { type: 'section', text: { type: 'mrkdwn', text: slackText(text).slice(0, 2900) + (link ? `\n<${link}|Open in Pulse>` : '') } },
        ],
      };
    case 'mattermost':
      return { username: 'Pulse', text: `#### ${slackText(title)}\n${slackText(text)}${link ? `\n[Open in Pulse](${link})` : ''}` };
    case 'discord':
      // no pings from text that happens to contain @everyone
      return {
        username: 'Pulse',
        allowed_mentions: { parse: [] },
        embeds: [
          { title: title.slice(0, 256), description: text.slice(0, 4000), ...(link ? { url: link } : {}), color: n.color ?? 0x1a4fd6 },
        ],
      };
    case 'teams':
      return {
        type: 'message',
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            content: {
              $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
              type: 'AdaptiveCard',
              version: '1.4',
              body: [
                { type: 'TextBlock', text: title, weight: 'Bolder', size: 'Medium', wrap: true },
                { type: 'TextBlock', text, wrap: true },
              ],
              ...(link ? { actions: [{ type: 'Action.OpenUrl', title: 'Open in Pulse', url: link }] } : {}),
            },
          },
        ],
      };
  }
}
