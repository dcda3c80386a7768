import { CONCERNS, type Concern, type Stance } from '../labels.ts';
import { majority } from './agreement.ts';

/** One coder's label for an item. */
export interface CoderLabel {
  coder: string;
  stance: Stance;
  relevant: boolean;
  concerns: Concern[];
}

export interface Consensus {
  relevant: boolean;
  stance: Stance;
  concerns: Concern[];
  coders: number;
}

/**
 * The coders' consensus for one item: the majority on relevance and on stance (an off-topic
 * item is neutral, as the model labels it), and every concern more than half the coders marked.
 * A tie on relevance or stance is no consensus (null): the model's label stands.
 */
export function consensusOf(labels: CoderLabel[]): Consensus | null {
  if (!labels.length) return null;
  const relevant = majority(labels.map((l) => l.relevant));
  if (relevant === null) return null;
  if (!relevant) return { relevant, stance: 'neutral', concerns: [], coders: labels.length };
  const stance = majority(labels.filter((l) => l.relevant).map((l) => l.stance));
  if (stance === null) return null;
  const concerns = CONCERNS.filter((c) => labels.filter((l) => l.concerns.includes(c)).length * 2 > labels.length);
  return { relevant, stance, concerns, coders: labels.length };
}
