import type { DigestData, StoryRef } from './model.ts';

const BLOCKS = '▁▂▃▄▅▆▇█';
const pct = (v: number) => `${Math.round(v * 100)}%`;
const signed = (v: number, unit = ' pts') => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(Math.round(v * 100))}${unit}`;

/** A text sparkline of shares in [0, 1]. */
export function sparkline(values: number[]): string {
  return values.map((v) => BLOCKS[Math.min(BLOCKS.length - 1, Math.max(0, Math.round(v * (BLOCKS.length - 1))))]).join('');
}

const escapeMd = (s: string) => s.replace(/([\\`*_[\]<>|])/g, '\\$1');

function storyLine(s: StoryRef): string {
  const quote = s.quote ? `\n  > ${escapeMd(s.quote)}` : '';
  return `- [${escapeMd(s.title)}](${s.url}) — ${escapeMd(s.source)}, ${s.publishedAt.slice(0, 10)}${quote}`;
}

/** The digest as Markdown, ready to paste. */
export function renderMarkdown(d: DigestData): string {
  const scope = d.filters.studio ? ` — ${d.filters.studio}` : d.filters.union ? ` — ${d.filters.union}` : '';
  const L: string[] = [`# Pulse weekly digest: ${d.week}${scope}`, '', `*${d.start} to ${d.end} (exclusive), ${d.timeZone}. Generated ${d.generatedAt.slice(0, 16).replace('T', ' ')} UTC.*`, ''];
  L.push('## Summary', '', d.summary, '');
  L.push('## Headline numbers', '');
  if (d.empty) L.push('No relevant items were published this week.', '');
  else {
    L.push(`Relevant items: **${d.headline.total}** (previous week ${d.headline.previousTotal}). Net score: **${d.headline.net.toFixed(2)}** (previous ${d.headline.previousNet.toFixed(2)}).`, '');
    L.push('| stance | share | 95% interval | change | beyond noise? |', '|---|---|---|---|---|');
    for (const s of d.headline.shares) L.push(`| ${s.stance} | ${pct(s.now.value)} | ${pct(s.now.low)}–${pct(s.now.high)} | ${signed(s.change)} | ${s.significant ? `yes (p = ${s.p})` : 'no'} |`);
    if (d.headline.lowN) L.push('', '*Fewer than 30 items this week: shares are indicative only.*');
    L.push('');
  }
  L.push(`## The last ${d.chart.length} weeks`, '');
  L.push('```', `worry      ${sparkline(d.chart.map((c) => c.shares.worry))}`, `excitement ${sparkline(d.chart.map((c) => c.shares.excitement))}`, `items      ${d.chart.map((c) => c.total).join(' ')}`, `           ${d.chart[0]?.week} … ${d.chart.at(-1)?.week}`, '```', '');
  L.push('## Top stories', '');
  for (const stance of ['worry', 'excitement', 'neutral'] as const) {
    L.push(`### ${stance === 'worry' ? 'Worry' : stance === 'excitement' ? 'Excitement' : 'Neutral'}`, '');
    L.push(...(d.topStories[stance].length ? d.topStories[stance].map(storyLine) : ['- none this week']), '');
  }
  L.push('## Union and guild statements', '', ...(d.unionStatements.length ? d.unionStatements.map((s) => `${storyLine(s)} *(${s.stance})*`) : ['- none this week']), '');
  L.push('## Studios', '');
  if (d.studios.length) {
    L.push('| studio | items | worry share | change |', '|---|---|---|---|');
    for (const s of d.studios) L.push(`| ${escapeMd(s.studio)} | ${s.total} | ${pct(s.worryShare)} | ${s.change === null ? 'new' : signed(s.change)} |`);
  } else L.push('No studio was named in this week\'s items.');
  L.push('');
  L.push('## Announcements this week', '');
  if (d.announcements.length) {
    for (const a of d.announcements)
      L.push(`- **${escapeMd(a.title)}** (${a.date}): ${a.before} items in the week before, ${a.after} since; worry share ${a.worryShareChange === null ? 'n/a' : signed(a.worryShareChange)}${a.p === null ? '' : ` (p = ${a.p})`}.${a.note ? ` ${a.note}` : ''}`);
  } else L.push('None.');
  L.push('');
  L.push('## Rising concerns', '');
  L.push(...(d.risingConcerns.length ? d.risingConcerns.map((c) => `- ${c.concern.replace(/_/g, ' ')}: ${c.count} (previous week ${c.previous}, ${c.change >= 0 ? '+' : ''}${c.change})`) : ['- none']), '');
  L.push('## Method', '', `${d.method.sources} sources; model ${d.method.model}. ${d.method.stance}`, '');
  L.push('Reproduce every number:', '', ...Object.entries(d.method.queries).map(([k, v]) => `- ${k}: <${v}>`), '');
  return L.join('\n');
}
