import { z } from '@hono/zod-openapi';
import { CONCERNS, SOURCE_KINDS, STANCES } from '../../labels.ts';
import { errorResponses, router, type AppDeps, route } from '../env.ts';
import { AppError } from '../errors.ts';

export const MAX_TEXTS = 100;
export const MAX_TEXT_CHARS = 20_000;

const Result = z
  .object({
    stance: z.enum(STANCES),
    confidence: z.number(),
    relevant: z.boolean(),
    concerns: z.array(z.enum(CONCERNS)),
    explanation: z.object({
      terms: z.array(z.object({ term: z.string(), weight: z.number() })),
      sentence: z.string(),
      summary: z.string().optional().openapi({ description: 'the decision in plain words: the cue groups and terms that made it' }),
    }),
    lang: z.string().openapi({ description: 'ISO 639-1 language detected in the text' }),
    supported: z.boolean().openapi({ description: 'false when no model reads this language: nothing is guessed' }),
    quotes: z.array(
      z.object({
        text: z.string(),
        speaker: z.string().nullable(),
        speakerKind: z.enum(['studio', 'union', 'worker', 'analyst', 'other']),
        stance: z.enum(STANCES).optional(),
      }),
    ),
    model: z.string(),
  })
  .openapi('Classification');

const Body = z.object({
  texts: z.array(z.string().min(1, { message: 'empty text' })).min(1),
  sourceKind: z.enum(SOURCE_KINDS).optional().openapi({ description: 'who is speaking, when known' }),
});

/** Classifies texts on the fly; nothing is stored, so no key is needed. */
export function classifyRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(
    route({
      method: 'post',
      path: '/',
      tags: ['classify'],
      summary: `Label up to ${MAX_TEXTS} texts (each up to ${MAX_TEXT_CHARS} characters); stores nothing`,
      request: { body: { content: { 'application/json': { schema: Body } }, required: true } },
      responses: {
        200: {
          description: 'one result per text, in order',
          content: { 'application/json': { schema: z.object({ results: z.array(Result) }) } },
        },
        413: { description: 'too many texts or a text too long' },
        ...errorResponses,
      },
    }),
    (c) => {
      const { texts, sourceKind } = c.req.valid('json');
      if (texts.length > MAX_TEXTS)
        throw new AppError(413, 'payload_too_large', `texts: at most ${MAX_TEXTS} texts per request, got ${texts.length}`);
      const long = texts.findIndex((t) => t.length > MAX_TEXT_CHARS);
      if (long >= 0) throw new AppError(413, 'payload_too_large', `texts.${long}: longer than ${MAX_TEXT_CHARS} characters`);
      const model = deps.model;
      const results = texts.map((t) => {
        const r = model.classify(t, sourceKind);
        return {
          stance: r.stance,
          confidence: r.confidence,
          relevant: r.relevant,
          concerns: r.concerns,
          explanation: r.explanation,
          lang: r.lang,
          supported: r.supported,
          quotes: r.quotes,
          model: r.model,
        };
      });
      return c.json({ results }, 200);
    },
  );
  return app;
}
