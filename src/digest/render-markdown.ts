import { escapeMarkdown as escapeMd, markdownUrl, net2, pct, pValue, signedPts as signed } from './format.ts';
import type { DigestData, StoryRef } from './model.ts';

const BLOCKS = '▁▂▃▄▅▆▇█';

/** A text sparkline of shares in [0, 1]; an empty week (null) is a space, not the lowest bar. */
export function sparkline(values: (number | null)[]): string {
  return values
    .map((v) => (v === null ? ' ' : BLOCKS[Math.min(BLOCKS.length - 1, Math.max(0, Math.round(v * (BLOCKS.length - 1))))]))
    .join('');
}

function storyLine(s: StoryRef): string {
  const quote = s.quote ? `\n  > ${escapeMd(s.quote)}` : '';
  const url = markdownUrl(s.url);
  const title = url ? `[${escapeMd(s.title)}](${url})` : escapeMd(s.title);
  return `- ${title} — ${escapeMd(s.source)}, ${s.publishedAt.slice(0, 10)}${quote}`;
}

/** The digest as Markdown, ready to paste. */
export function renderMarkdown(d: DigestData): string {
  const scope = d.filters.studio ? ` — ${escapeMd(d.filters.studio)}` : d.filters.union ? ` — ${escapeMd(d.filters.union)}` : '';
  const L: string[] = [
    `# Pulse weekly digest: ${d.week}${scope}`,
    '',
    `*${d.start} to ${d.end} (exclusive), ${d.timeZone}. Generated ${d.generatedAt.slice(0, 16).replace('T', ' ')} UTC.*`,
    '',
  ];
  if (d.incomplete) L.push(`> **Incomplete:** ${d.week} had not ended when this was made; its numbers will change.`, '');
  L.push('## Summary', '', escapeMd(d.summary), '');
  L.push('## Headline numbers', '');
  if (d.empty) L.push('No relevant items were published this week.', '');
  else {
    L.push(
      `Relevant items: **${d.headline.total}** (previous week ${d.headline.previousTotal}). Net score: **${net2(d.headline.net)}** (previous ${net2(d.headline.previousNet)}).`,
      '',
    );
    L.push('| stance | share | 95% interval | change | beyond noise? |', '|---|---|---|---|---|');
    for (const s of d.headline.shares)
      L.push(
        `| ${s.stance} | ${pct(s.now?.value)} | ${s.now ? `${pct(s.now.low)}–${pct(s.now.high)}` : 'n/a'} | ${signed(s.change)} | ${s.significant && s.p !== null ? `yes (${pValue(s.p)})` : 'no'} |`,
      );
    if (d.headline.lowN) L.push('', '*Fewer than 30 items this week: shares are indicative only.*');
    L.push('');
  }
  L.push(`## The last ${d.chart.length} weeks`, '');
  L.push(
    '```',
    `worry      ${sparkline(d.chart.map((c) => c.shares.worry))}`,
    `excitement ${sparkline(d.chart.map((c) => c.shares.excitement))}`,
    `items      ${d.chart.map((c) => c.total).join(' ')}`,
    `           ${d.chart[0]?.week} … ${d.chart.at(-1)?.week}`,
    '```',
    '',
  );
  L.push('## Top stories', '');
  for (const stance of ['worry', 'excitement', 'neutral'] as const) {
    L.push(`### ${stance === 'worry' ? 'Worry' : stance === 'excitement' ? 'Excitement' : 'Neutral'}`, '');
    L.push(...(d.topStories[stance].length ? d.topStories[stance].map(storyLine) : ['- none this week']), '');
  }
  L.push(
    '## Union and guild statements',
    '',
    ...(d.unionStatements.length ? d.unionStatements.map((s) => `${storyLine(s)} *(${s.stance})*`) : ['- none this week']),
    '',
  );
  L.push('## Studios', '');
  if (d.studios.length) {
    L.push('| studio | items | worry share | change |', '|---|---|---|---|');
    // studio names come from items: escaped like every other value Pulse did not write
    for (const s of d.studios)
      L.push(`| ${escapeMd(s.studio)} | ${s.total} | ${pct(s.worryShare)} | ${s.change === null ? 'new' : signed(s.change)} |`);
  } else L.push("No studio was named in this week's items.");
  L.push('');
  L.push('## Announcements this week', '');
  if (d.announcements.length) {
    for (const a of d.announcements)
      L.push(
        `- **${escapeMd(a.title)}** (${a.date}): ${a.before} items in the ${a.windowDays} days before, ${a.after} in the ${a.windowDays} days after; worry share ${signed(a.worryShareChange)}${a.p === null ? '' : ` (${pValue(a.p)})`}.${a.note ? ` ${escapeMd(a.note)}` : ''}`,
      );
  } else L.push('None.');
  L.push('');
  L.push('## Rising concerns', '');
  L.push(
    ...(d.risingConcerns.length
      ? d.risingConcerns.map(
          (c) =>
            `- ${c.concern.replace(/_/g, ' ')}: ${c.count} items, ${pct(c.share.value)} of relevant items (previous week ${c.previous}, ${pct(c.previousShare.value)}; ${signed(c.change)}, ${c.beyondNoise ? 'beyond noise' : 'within week-to-week noise'})`,
        )
      : ['- none rose this week']),
    '',
  );
  L.push('## Method', '', `${d.method.sources} sources; model ${escapeMd(d.method.model)}. ${d.method.stance}`, '');
  L.push(
    'Reproduce every number:',
    '',
    ...Object.entries(d.method.queries).map(([k, v]) => `- ${k}: ${markdownUrl(v) ?? `\`${v.replace(/`/g, '')}\``}`),
    '',
  );
  return L.join('\n');
}
