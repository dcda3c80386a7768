/**
 * The parts of `natural` the classifier uses, imported by file. The package's index loads
 * dotenv (reading .env and printing to stdout), mongoose, redis, pg and WordNet: over a second
 * and side effects a CLI that prints JSON Lines cannot have. The Porter stemmer alone loads in
 * milliseconds and touches nothing.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface Stemmer {
  stem(token: string): string;
}

export const PorterStemmer: Stemmer = require('natural/lib/natural/stemmers/porter_stemmer.js');
export const PorterStemmerEs: Stemmer = require('natural/lib/natural/stemmers/porter_stemmer_es.js');
