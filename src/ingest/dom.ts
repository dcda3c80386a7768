/**
 * linkedom and Readability, loaded on first use. Together with their dependencies they are some
 * 180 modules, which every `pulse` command and the server's start would otherwise load whether or
 * not it reads a single HTML page (`pulse keys list` does not).
 */
import { createRequire } from 'node:module';

type Linkedom = typeof import('linkedom');
type ReadabilityModule = typeof import('@mozilla/readability');

const require = createRequire(import.meta.url);
let linkedom: Linkedom | undefined;
let readability: ReadabilityModule | undefined;

/** linkedom's parseHTML. */
export const parseHTML: Linkedom['parseHTML'] = (...args) => (linkedom ??= require('linkedom') as Linkedom).parseHTML(...args);

/** Mozilla's Readability module. */
export const readabilityModule = (): ReadabilityModule => (readability ??= require('@mozilla/readability') as ReadabilityModule);
