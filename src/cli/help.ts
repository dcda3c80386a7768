/**
 * Per-command help for `pulse <command> --help`: every flag and an example. src/cli.ts looks a
 * command's text up here (commandHelp) and prints the global usage only for `pulse --help`; a
 * usage error is one line and a pointer to the command's help (usageErrorText).
 */

const HELP: Record<string, string> = {
  serve: `pulse serve [--no-jobs]

Runs the HTTP API, the explorer and (unless --no-jobs) the scheduled jobs. This is what npm start runs.

  --no-jobs    serve HTTP only; run the jobs elsewhere with pulse worker

Example:
  PORT=8080 pulse serve --no-jobs`,
  worker: `pulse worker

Runs the scheduled jobs (ingest, classify, rollup and alerts, digest, prune) without HTTP.

Example:
  DATABASE_URL=postgres://pulse@db/pulse pulse worker`,
  migrate: `pulse migrate

Applies pending database migrations and exits.

Example:
  DATABASE_URL=postgres://pulse@db/pulse pulse migrate`,
  keys: `pulse keys create --name NAME [--scope write|admin]
pulse keys list
pulse keys revoke ID

  --name NAME      who or what the key is for (required)
  --scope SCOPE    write (default) or admin
The secret is printed once, alone on the last line of stdout.

Example:
  pulse keys create --name newsroom-bot --scope write`,
  sources: `pulse sources list
pulse sources add --url URL --kind KIND [--name NAME] [--organisation ORG] [--full-text] [--no-discover]
pulse sources add --type page --url URL --kind KIND --item-selector S --title-selector S --link-selector S
                  [--date-selector S] [--summary-selector S] [--date-format F]
pulse sources add --type search --provider gdelt|googlenews --query Q [--lang L] --kind KIND [--no-full-text]
pulse sources test [the options of add]
pulse sources remove ID
pulse sources import FILE.opml
pulse sources export

  --url URL              the feed, or a site's home page (its feed is found), or the list page
  --kind KIND            news, union, studio or opinion
  --name NAME            shown name (default: the feed's title or the host)
  --organisation ORG     who publishes it; a union's or studio's own feed names it here
  --full-text            read each item's article page too (readability)
  --no-discover          take --url as the feed itself, without looking for one
  --type TYPE            feed (default), page (an HTML list read with CSS selectors) or search
  --item-selector S      page: one element per item; --title-selector, --link-selector inside it
  --date-selector S      page: the item's date; --date-format F says how it is written
  --summary-selector S   page: the item's summary
  --provider P           search: gdelt or googlenews; --query Q is what to search, --lang L its language
  --no-full-text         search: keep the result's summary only
test prints what the source would yield and stores nothing; remove keeps the source's items.

Example:
  pulse sources add --url https://www.sagaftra.org/rss.xml --kind union --organisation SAG-AFTRA`,
  ingest: `pulse ingest [--source ID]... [--all]

Fetches sources now: the due ones, the given ones, or all. One line per source and a total; exits 0
even when some feeds failed.

  --source ID   fetch this source (repeatable)
  --all         fetch every enabled source, due or not

Example:
  pulse ingest --source 3 --source 7`,
  classify: `pulse classify

Labels texts from stdin, no database needed: JSON Lines in ({"id","text"} or plain text lines), one
JSON line out per input.

Example:
  echo 'The guild demands consent before any digital replica is made.' | pulse classify`,
  train: `pulse train [--corpus DIR] [--out FILE]
pulse train --with-annotations [--holdout 0.3] [--corpus DIR] [--out FILE]

Rebuilds the model from the training corpus (src/classify/corpus), deterministically. With
--with-annotations, hand-coded items are added to training, and the old and new models are scored
on the coded items held out of it.

  --corpus DIR          train on another corpus laid out like src/classify/corpus: train-*.jsonl
                        and dev-*.jsonl files, and writers/*.jsonl (one file per writer, 25% of
                        each kept for dev by a hash of the text)
  --out FILE            where to write the model (default: the shipped model file)
  --with-annotations    add the coders' consensus labels to training
  --holdout SHARE       share of coded items kept out of training to score on (default 0.3)

Example:
  pulse train --with-annotations --out /tmp/model.json`,
  sample: `pulse sample --n N [--from DATE] [--to DATE] [--stratify stance] [--seed N] [--name NAME]

Draws and stores a reproducible random sample of labelled items for hand-coding (the same seed
draws the same items); a stratified sample records each stratum's weight.

  --n N                 items in the sample
  --from DATE           first day of publication (YYYY-MM-DD)
  --to DATE             last day of publication (YYYY-MM-DD)
  --stratify stance     draw equally from each stance the model gave
  --seed N              the random seed (default: chosen at random, stored with the sample)
  --name NAME           a name to find it by

Example:
  pulse sample --n 200 --from 2025-07-01 --to 2025-07-31 --stratify stance --seed 7 --name july`,
  annotations: `pulse annotations export [--sample ID]
pulse annotations import FILE.csv

Coders who work in spreadsheets: export writes every annotation (or one sample's) as CSV on
stdout; import stores the rows of a CSV in the same columns, all of them or none if one is bad.

  --sample ID   only the annotations of that sample

Example:
  pulse annotations export --sample 1 > coded.csv`,
  eval: `pulse eval [FILE] [--lowo [--writer W]...] [--json]

Scores the classifier on a labeled JSONL file (default: the dev split) per register, language and
stream slice, beside VADER and AFINN.

  --lowo       also leave-one-writer-out (slow: one retrain per writer)
  --writer W   with --lowo, hold out only this writer (repeatable)
  --json       print the scores as JSON

Example:
  pulse eval --lowo --writer es-semana --writer stream-week`,
  topic: `pulse topic [--file FILE] [--json] [TEXT]

Lists the topic terms an item must name to reach the relevance model (stage one of relevance), by
language; with TEXT, shows which of them it names.

  --file FILE   read the text from FILE instead
  --json        as JSON

Example:
  pulse topic "The studio used generative AI for the crowd scenes"`,
  backfill: `pulse backfill (--source ID... | --all) --from DATE --to DATE

Walks a source's history (paged feeds, sitemaps, archive captures, search windows), both days
included. A stopped backfill resumes where it was (run it again, or let the scheduled backfill job
take it: also one whose process was killed); a progress bar on a terminal.

  --source ID   the source to walk (repeatable)
  --all         every source
  --from DATE   first day (YYYY-MM-DD)
  --to DATE     last day (YYYY-MM-DD)

Example:
  pulse backfill --source 3 --from 2025-06-01 --to 2025-08-31`,
  import: `pulse import FILE --format csv|ndjson|mediacloud|gdelt [--source NAME] [--kind KIND] [--dry-run]

Imports a corpus in one transaction; rejected rows are listed by line and the exit code is 1 when
any was rejected.

  --format F      csv, ndjson, mediacloud or gdelt
  --source NAME   the source the items are stored under (default "import: FORMAT"; made when missing)
  --kind KIND     that source's kind: news, union, studio or opinion
  --dry-run       check and count, store nothing

Example:
  pulse import stories.csv --format csv --source "Archive 2024" --dry-run`,
  backup: `pulse backup --out FILE [--batch N]

Writes a consistent backup of the configured database (either kind) as gzipped JSON lines, to
FILE.partial, renamed when complete.

  --out FILE   where to write it
  --batch N    rows per read (default 500)

Example:
  pulse backup --out pulse-2025-08-01.backup`,
  restore: `pulse restore FILE [--batch N]

Loads a backup into the configured database, which must be empty (either kind).

  --batch N   rows per write (default 500)

Example:
  DATABASE_URL=postgres://pulse@db/pulse pulse restore pulse-2025-08-01.backup`,
  'move-to': `pulse move-to postgres://… [--batch N]

Copies the configured (embedded) database into an empty PostgreSQL database, then compares every
table; rerun to resume a copy that stopped.

  --batch N   rows per batch (default 500)

Example:
  pulse move-to postgres://pulse@db/pulse`,
  reclassify: `pulse reclassify [--since DATE]

Re-labels stored items with the current model.

  --since DATE   only items published on or after DATE (YYYY-MM-DD)

Example:
  pulse reclassify --since 2025-07-01`,
  digest: `pulse digest [--week W] [--format F] [--out FILE] [--studio S | --union U] [--rebuild]

Prints a week's digest (default: the last complete week, Markdown).

  --week W      ISO week such as 2025-W30
  --format F    md, html, csv or json
  --out FILE    write to FILE instead of stdout
  --studio S    one studio's digest (any case or alias)
  --union U     one union's digest
  --rebuild     store a new version of the week's digest

Example:
  pulse digest --week 2025-W30 --format html --out w30.html`,
  demo: `pulse demo [--data-dir DIR] [--port N]

The offline demo: a temporary database, the demo feeds served locally, ingested, labelled, with
alerts and digests, then the API and explorer.

  --data-dir DIR   keep the database in DIR (default: a temporary folder, removed on exit)
  --port N         HTTP port (default 3000; 0 picks a free one)

Example:
  pulse demo --port 0`,
  entities: `pulse entities [--kind studio|union|area] [--json]

Lists the studios, unions and guilds, and production areas Pulse tags, with their aliases: the
built-in list merged with PULSE_ENTITIES_FILE (entries marked "file").

  --kind KIND   one kind only
  --json        as JSON

Example:
  PULSE_ENTITIES_FILE=demo/entities.json pulse entities --kind union`,
  retag: `pulse retag

Tags every stored item again with the entities in use now (after editing PULSE_ENTITIES_FILE).
Stance, concerns and relevance are kept; the days of changed items are marked for the rollup job.

Example:
  PULSE_ENTITIES_FILE=./entities.json pulse retag`,
};

/** The help of one command, or undefined for a command this file does not know. */
export function commandHelp(name: string): string | undefined {
  return Object.hasOwn(HELP, name) ? HELP[name] : undefined;
}

/** A usage error in one line, and where to read more. */
export function usageErrorText(name: string | undefined, message: string): string {
  return name && commandHelp(name) ? `pulse ${name}: ${message} (see pulse ${name} --help)` : `pulse: ${message} (see pulse --help)`;
}
