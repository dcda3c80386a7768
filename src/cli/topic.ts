import { existsSync } from 'node:fs';
import { Topic, TOPIC_PATH } from '../classify/topic.ts';
import { CommandError, parse, type Io } from './common.ts';

/** `pulse topic`: the terms an item must name to reach the relevance model, by language. */
export async function topicCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { file: { type: 'string' }, json: { type: 'boolean', default: false } }, true);
  const path = values.file ?? TOPIC_PATH;
  if (!existsSync(path)) throw new CommandError(`no such file: ${path}`);
  let topic: Topic;
  try {
    topic = Topic.load(path);
  } catch (err) {
    throw new CommandError(`${path}: ${(err as Error).message}`);
  }
  if (positionals.length) {
    const m = topic.match(positionals.join(' '));
    io.out(JSON.stringify({ matched: m.matched, named: m.named, terms: m.terms }));
    return 0;
  }
  const f = topic.file;
  if (values.json) {
    io.out(JSON.stringify({ file: path, words: f.words, related: f.related ?? {}, acronyms: f.acronyms }, null, 2));
    return 0;
  }
  io.out(`topic file: ${path}`);
  io.out(`acronyms (case-sensitive): ${f.acronyms.join('  ')}`);
  for (const [lang, words] of Object.entries(f.words)) io.out(`AI named (${lang}, ${words.length}): ${words.join('  ')}`);
  for (const [lang, words] of Object.entries(f.related ?? {})) io.out(`related words (${lang}, ${words.length}): ${words.join('  ')}`);
  return 0;
}
