/**
 * The one-line usage of every command, for `pulse --help`. They live here, apart from the
 * commands, so that printing help or dispatching loads only the command that runs (src/cli.ts
 * imports each command module when it is called).
 */
import { IMPORT_FORMATS } from '../ingest/import-rows.ts';
import { SOURCE_KINDS } from '../labels.ts';

export const backfillUsage = `pulse backfill (--source ID... | --all) --from DATE --to DATE
                                                         walk a source's history (paged feed, sitemaps, archive
                                                         captures, search windows); both days included; resumes`;

export const backupUsage = `pulse backup --out FILE [--batch N]                     write a consistent backup of the database (gzipped JSON lines)
pulse restore FILE [--batch N]                           load a backup into an empty database (either kind)
pulse move-to postgres://... [--batch N]                 copy this database into PostgreSQL; rerun to resume; compares every table`;

export const classifyUsage = `pulse classify                                           label JSON Lines from stdin ({"id","text"} or plain text) to stdout`;

export const demoUsage = `pulse demo [--data-dir DIR] [--port N]                  a self-contained demo: local feeds, ingested, labelled, served`;

export const digestUsage = `pulse digest [--week 2025-W30] [--format md|html|csv|json] [--out FILE] [--studio S | --union U] [--rebuild]
                                                         a week's digest (default: the last complete week, Markdown)`;

export const entitiesUsage = `pulse entities [--kind studio|union|area] [--json]     the studios, unions and areas Pulse tags, with aliases`;

export const retagUsage = `pulse retag                                              tag stored items again with the current entities (labels kept)`;

export const evalUsage = `pulse eval [FILE] [--lowo [--writer W]...] [--json]     score the classifier (default: the dev split) per register, language and stream slice, beside VADER and AFINN; --lowo adds leave-one-writer-out (--writer: only those writers held out)`;

export const importUsage = `pulse import FILE --format ${IMPORT_FORMATS.join('|')} [--source NAME] [--kind KIND] [--dry-run]
                                                         import a corpus; rejected rows listed by line`;

export const ingestUsage = `pulse ingest [--source ID]... [--all]                    fetch due sources now (or the given ones, or all)`;

export const keysUsage = `pulse keys create --name NAME [--scope write|admin]   create a key; the secret is the last line
pulse keys list                                          list keys (never the secrets)
pulse keys revoke ID                                     revoke a key`;

export const migrateUsage = `pulse migrate                                            apply pending database migrations`;

export const reclassifyUsage = `pulse reclassify [--since DATE]                          re-label stored items with the current model`;

export const serveUsage = `pulse serve [--no-jobs]                                  run the HTTP API and the scheduled jobs (what npm start runs)
pulse worker                                             run the scheduled jobs only`;

export const sourcesUsage = `pulse sources list                                       list sources and their health
pulse sources add --url URL --kind KIND [--name NAME] [--organisation ORG] [--full-text]
                                                         add a feed (KIND: ${SOURCE_KINDS.join('|')}); a site's home
                                                         page is searched for its feed (--no-discover: as given)
pulse sources add --type page --url URL --kind KIND --item-selector S --title-selector S
                  --link-selector S [--date-selector S] [--summary-selector S] [--date-format F]
                                                         add an HTML list page read with CSS selectors
pulse sources add --type search --provider gdelt|googlenews --query Q [--lang L] --kind KIND
                                                         add a search (full text on; --no-full-text)
pulse sources test [same options as add]                 print what the source yields, storing nothing
pulse sources remove ID                                  delete a source (its items are kept)
pulse sources import FILE.opml                           add the feeds of an OPML file
pulse sources export                                     print every source as OPML`;

export const topicUsage = `pulse topic [--file FILE] [--json] [TEXT]                list the topic terms (stage one of relevance), or show which match TEXT`;

export const trainUsage = `pulse train [--corpus DIR] [--out FILE]                  rebuild the classifier from the training corpus
pulse train --with-annotations [--holdout 0.3] [--corpus DIR] [--out FILE]
                                                         add hand-coded items to training; report before/after on held-out coded items`;

export const sampleUsage = `pulse sample --n N [--from DATE] [--to DATE] [--stratify stance] [--seed N] [--name NAME]
                                                         draw and store a random sample of labelled items to hand-code`;

export const annotationsUsage = `pulse annotations export [--sample ID]                  every annotation (or one sample's) as CSV on stdout
pulse annotations import FILE.csv                        store annotations from CSV (all rows, or none if one is bad)`;
