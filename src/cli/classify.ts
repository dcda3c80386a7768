import { createInterface } from 'node:readline';
import { defaultModel, type Classification } from '../classify/model.ts';
import { SOURCE_KINDS, type SourceKind } from '../labels.ts';
import { parse, type Io } from './common.ts';

const MAX_TEXT = 20_000;

/** What one input line becomes on stdout. */
export function classifyLine(line: string, lineNo: number): Record<string, unknown> | undefined {
  if (!line.trim()) return undefined;
  let id: unknown = lineNo;
  let text: unknown = line;
  let kind: unknown;
  if (/^\s*[[{]/.test(line)) {
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      return { id: lineNo, error: 'not valid JSON' };
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return { id: lineNo, error: 'expected a JSON object' };
    const o = obj as Record<string, unknown>;
    id = o.id ?? lineNo;
    text = o.text;
    kind = o.source_kind ?? o.sourceKind;
  }
  if (typeof text !== 'string' || !text.trim()) return { id, error: 'text: expected a non-empty string' };
  if (text.length > MAX_TEXT) return { id, error: `text: longer than ${MAX_TEXT} characters` };
  if (kind !== undefined && !SOURCE_KINDS.includes(kind as SourceKind))
    return { id, error: `source_kind: expected one of ${SOURCE_KINDS.join(', ')}` };
  const r: Classification = defaultModel().classify(text, kind as SourceKind | undefined);
  if (!r.supported)
    return {
      id,
      lang: r.lang,
      supported: false,
      stance: null,
      confidence: null,
      relevant: null,
      concerns: [],
      explanation: r.explanation,
      quotes: [],
      model: r.model,
    };
  return {
    id,
    lang: r.lang,
    stance: r.stance,
    confidence: r.confidence,
    relevant: r.relevant,
    relevance: r.relevance,
    concerns: r.concerns,
    explanation: r.explanation,
    quotes: r.quotes,
    model: r.model,
  };
}

/** `pulse classify`: JSON Lines in, JSON Lines out, in order; no database. */
export async function classifyCommand(args: string[], io: Io): Promise<number> {
  parse(args, {});
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      const out = classifyLine(line, n);
      if (out) io.out(JSON.stringify(out));
    }
  } catch (err) {
    io.err(`pulse: cannot read stdin: ${(err as Error).message}`);
    return 1;
  }
  return 0;
}
