import { createRequire } from 'node:module';
import type { Stance } from '../labels.ts';

const require = createRequire(import.meta.url);

/** A general-purpose sentiment tool mapped to the three stances, for comparison. */
export interface Baseline {
  name: string;
  stance(text: string): Stance;
}

/** VADER: compound ≥ 0.05 → excitement, ≤ −0.05 → worry, else neutral. */
export function vaderBaseline(): Baseline {
  const vader = require('vader-sentiment') as { SentimentIntensityAnalyzer: { polarity_scores(t: string): { compound: number } } };
  return {
    name: 'VADER',
    stance: (text) => {
      const c = vader.SentimentIntensityAnalyzer.polarity_scores(text).compound;
      return c >= 0.05 ? 'excitement' : c <= -0.05 ? 'worry' : 'neutral';
    },
  };
}

/** AFINN (the `sentiment` package): comparative > 0 → excitement, < 0 → worry, else neutral. */
export function afinnBaseline(): Baseline {
  const Sentiment = require('sentiment') as new () => { analyze(t: string): { comparative: number } };
  const analyser = new Sentiment();
  return {
    name: 'AFINN',
    stance: (text) => {
      const c = analyser.analyze(text).comparative;
      return c > 0 ? 'excitement' : c < 0 ? 'worry' : 'neutral';
    },
  };
}
