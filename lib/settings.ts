import 'server-only'
import { z } from 'zod'
import { MAX_UPLOAD_BYTES } from '@/lib/fal/upload-limits'
import { FAL_JWKS_URL } from '@/lib/fal/webhook-signature'
import { parseHost } from '@/lib/http/allowed-hosts.mjs'

/**
 * Every environment variable the studio reads, each with its default and one line for the README's
 * table (`scripts/settings-table.ts` prints it; a unit test keeps the README in step). Code reads
 * `settingsOf(env)`, never the variables themselves; functions that tests vary take `env` and pass it
 * on. scripts/serve.mjs and next.config.ts run before this module can load and read their few
 * variables themselves: they are listed here all the same.
 */

export type Env = Readonly<Record<string, string | undefined>>

interface Definition<T> {
  name: string
  /** The default as the README says it. */
  default: string
  /** One line for the README. */
  what: string
  /** Parses the value, trimmed (undefined when unset or blank). */
  schema: z.ZodType<T, string | undefined>
  /** Never echoed in an error. */
  secret?: true
  /** Taken as written, not trimmed. */
  untrimmed?: true
}

const define = <T>(definition: Definition<T>): Definition<T> => definition

const text = () => z.string().optional()

function wholeNumber(min: number, fallback: number, max = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .refine((value) => /^\d+$/.test(value), { error: 'must be a whole number' })
    .transform(Number)
    .pipe(z.number().min(min, { error: `must be ${min} or more` }).max(max, { error: `must be at most ${max}` }))
    .default(fallback)
}

const FLAGS: Readonly<Record<string, boolean>> = { '1': true, true: true, on: true, yes: true, '0': false, false: false, off: false, no: false }
const flag = (fallback: boolean) =>
  z
    .string()
    .refine((value) => Object.hasOwn(FLAGS, value.toLowerCase()), { error: 'must be 1 or 0' })
    .transform((value) => FLAGS[value.toLowerCase()]!)
    .default(fallback)

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol)
  } catch {
    return false
  }
}
/** An http(s) URL; a base URL loses its trailing slashes, so paths can be appended to it. */
const httpUrl = (base: boolean) =>
  z
    .string()
    .refine(isHttpUrl, { error: 'must be an http:// or https:// URL' })
    .transform((value) => (base ? value.replace(/\/+$/, '') : value))

const dollars = z
  .string()
  .transform(Number)
  .refine((value) => Number.isFinite(value) && value >= 0, { error: 'must be an amount in US dollars, 0 or more (e.g. 2.50)' })
  .optional()

const commaList = (value: string) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)

/** Waits between attempts: comma-separated whole milliseconds. */
const delayList = () =>
  z
    .string()
    .transform((value) => commaList(value).map(Number))
    .refine((delays) => delays.length > 0 && delays.every((delay) => Number.isInteger(delay) && delay >= 0), {
      error: 'must be comma-separated whole milliseconds (e.g. 200,500)',
    })
    .optional()

/** A comma list whose every entry passes `valid`; the first that does not is named. */
const listOf = (valid: (entry: string) => boolean, expected: string) =>
  z
    .string()
    .transform(commaList)
    .superRefine((entries, context) => {
      const bad = entries.find((entry) => !valid(entry))
      if (bad !== undefined) context.addIssue({ code: 'custom', message: `${JSON.stringify(bad)} is not ${expected}` })
    })
    .default([])

/** `host` or `host:port`, IPv6 with or without brackets (as lib/http/safe-fetch reads them). */
function isFetchHost(entry: string): boolean {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(entry)
  if (match?.[2] && Number(match[2]) > 65_535) return false
  try {
    return Boolean(new URL(`http://${match?.[1] ?? `[${entry}]`}`).hostname)
  } catch {
    return false
  }
}

const DEFINITIONS = {
  falKey: define({ name: 'FAL_KEY', default: 'unset', what: 'fal key; unset means the local simulator', schema: text(), secret: true }),
  falKeyId: define({ name: 'FAL_KEY_ID', default: 'unset', what: 'with `FAL_KEY_SECRET`, the fal key in two parts (instead of `FAL_KEY`)', schema: text() }),
  falKeySecret: define({ name: 'FAL_KEY_SECRET', default: 'unset', what: 'see `FAL_KEY_ID`', schema: text(), secret: true }),
  backend: define({
    name: 'TAKES_BACKEND',
    default: 'unset',
    what: '`local` forces the simulator',
    schema: z.enum(['local'], { error: 'must be local (or unset)' }).optional(),
  }),
  port: define({ name: 'PORT', default: '3000', what: 'the studio’s port', schema: wholeNumber(1, 3000, 65_535) }),
  hostname: define({
    name: 'HOSTNAME',
    default: '`127.0.0.1` without a password, all interfaces with one',
    what: 'where the server listens',
    schema: text(),
  }),
  dataDir: define({
    name: 'TAKES_DATA_DIR',
    default: '`./data`',
    what: 'where the database (`db/`), the simulator (`local-fal/`) and output copies (`outputs/`) live',
    schema: z.string().default('data'),
  }),
  dbDir: define({ name: 'TAKES_DB_DIR', default: '`<TAKES_DATA_DIR>/db`', what: 'where the embedded database (PGlite) keeps its files', schema: text() }),
  databaseUrl: define({
    name: 'DATABASE_URL',
    default: 'unset',
    what: '`postgres://…` uses that PostgreSQL instead of PGlite (same schema and migrations); several studio processes may share it (upgrade them together: a new version migrates the database on its first start)',
    schema: z
      .string()
      .refine((value) => /^postgres(ql)?:\/\//i.test(value), { error: 'must start with postgres:// or postgresql:// (unset it to use the embedded database)' })
      .optional(),
    secret: true,
  }),
  publicUrl: define({
    name: 'TAKES_PUBLIC_URL',
    default: 'the request’s origin',
    what: 'the studio’s public origin: absolute links (`og:` tags), the simulator’s file URLs, and, when set, the fal webhook `<url>/api/fal/webhook` every submit carries',
    schema: httpUrl(true).optional(),
  }),
  follower: define({
    name: 'TAKES_FOLLOWER',
    default: '1',
    what: '`0` turns this process’s follower off (takes then end only by webhook)',
    schema: flag(true),
  }),
  leaseMs: define({
    name: 'TAKES_LEASE_MS',
    default: '15000',
    what: 'how long a process’s claim on a take lasts without renewal (another process takes over after it)',
    schema: wholeNumber(1, 15_000),
  }),
  followPollMs: define({ name: 'TAKES_FOLLOW_POLL_MS', default: '1000', what: 'how often the follower asks a take’s status', schema: wholeNumber(1, 1000) }),
  copyRetryMs: define({
    name: 'TAKES_COPY_RETRY_MS',
    default: '5 s … 20 min',
    what: 'the waits between output-copy attempts, comma-separated milliseconds (tests shorten them)',
    schema: delayList(),
  }),
  falWebhookJwksUrl: define({
    name: 'FAL_WEBHOOK_JWKS_URL',
    default: 'fal’s',
    what: 'where fal’s webhook keys are published (the simulator’s own in local mode)',
    schema: httpUrl(false).default(FAL_JWKS_URL),
  }),
  s3Bucket: define({
    name: 'TAKES_S3_BUCKET',
    default: 'unset',
    what: 'keep output copies in S3-compatible storage (MinIO…) instead of `./data/outputs`, with the usual `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`',
    schema: text(),
  }),
  s3Endpoint: define({ name: 'TAKES_S3_ENDPOINT', default: 'AWS', what: 'the S3-compatible server’s URL', schema: httpUrl(false).optional() }),
  s3Region: define({ name: 'TAKES_S3_REGION', default: '`us-east-1`', what: 'the bucket’s region', schema: z.string().default('us-east-1') }),
  s3ForcePathStyle: define({
    name: 'TAKES_S3_FORCE_PATH_STYLE',
    default: '0',
    what: '`1`: address objects as `<endpoint>/<bucket>/<key>` (MinIO needs it)',
    schema: flag(false),
  }),
  localFalUrl: define({
    name: 'TAKES_LOCAL_FAL_URL',
    default: 'this server’s',
    what: 'another studio’s simulator (`http://host:port/api/local-fal`), so several processes on one PostgreSQL share one; a process with it runs no simulator',
    schema: httpUrl(true).optional(),
  }),
  localConcurrency: define({ name: 'TAKES_LOCAL_CONCURRENCY', default: '2', what: 'simulator requests running at once', schema: wholeNumber(1, 2) }),
  localRenderMs: define({ name: 'TAKES_LOCAL_RENDER_MS', default: '3000', what: 'least time a simulated request spends in progress', schema: wholeNumber(0, 3000) }),
  localMaxUploadBytes: define({
    name: 'TAKES_LOCAL_MAX_UPLOAD_BYTES',
    default: '1 GB',
    what: 'a lower upload limit for the simulator (tests)',
    // Only lower: the simulator never keeps more than MAX_UPLOAD_BYTES.
    schema: wholeNumber(1, MAX_UPLOAD_BYTES).transform((bytes) => Math.min(bytes, MAX_UPLOAD_BYTES)),
  }),
  localResultTtlS: define({
    name: 'TAKES_LOCAL_RESULT_TTL_S',
    default: '3600',
    what: 'seconds the simulator answers a completed request’s result, as fal does (1 h); then 404 (tests shorten it)',
    schema: wholeNumber(0, 3600),
  }),
  localLargeResultTtlS: define({
    name: 'TAKES_LOCAL_LARGE_RESULT_TTL_S',
    default: '360',
    what: 'the same for a result of 10 KB or more, which fal keeps only 6 minutes',
    schema: wholeNumber(0, 360),
  }),
  localWebhookRetryMs: define({
    name: 'TAKES_LOCAL_WEBHOOK_RETRY_MS',
    default: '15 s … 30 min (10 retries, about 2 h)',
    what: 'the waits between the simulator’s webhook attempts, comma-separated milliseconds, as fal retries for about two hours (tests shorten them)',
    schema: delayList(),
  }),
  localKey: define({
    name: 'TAKES_LOCAL_KEY',
    default: 'random, kept in the database',
    what: 'the key the simulator answers (a simulator standing in for fal for tests takes the studio’s `FAL_KEY`)',
    schema: text(),
    secret: true,
  }),
  localControl: define({
    name: 'TAKES_LOCAL_CONTROL',
    default: '0',
    what: '`1` enables `/api/local-fal/_control` (counters, fault injection: failed runs, 429/503 submits, start timeouts, dropped status streams, keep-alive period, delay, slow runs, runs that ignore cancel, webhook payload errors, billing above the rendered units, the platform API’s answers; per test tag via the `x-fal-takes-test-tag` header) — for tests',
    schema: flag(false),
  }),
  password: define({
    name: 'TAKES_PASSWORD',
    default: 'unset',
    what: 'sign-in: everything but shared take pages `/s/<token>` (and their media) needs it; unset, the studio listens on 127.0.0.1 only',
    schema: text(),
    secret: true,
    untrimmed: true,
  }),
  sessionSecret: define({ name: 'TAKES_SESSION_SECRET', default: 'random, kept in the database', what: 'signs session cookies', schema: text(), secret: true }),
  allowedHosts: define({
    name: 'TAKES_ALLOWED_HOSTS',
    default: 'unset',
    what: 'more `Host` names the studio answers to (comma-separated `name`, any port, or `name:port`), beside `localhost`, `127.0.0.1`, `[::1]`, the host of `TAKES_PUBLIC_URL` and a one-address `HOSTNAME`',
    schema: listOf((entry) => parseHost(entry) !== null, 'a host name or address (write name or name:port, IPv6 as [::1])'),
  }),
  fetchAllowHosts: define({
    name: 'TAKES_FETCH_ALLOW_HOSTS',
    default: 'unset',
    what: '`host` or `host:port` names the server may fetch from although they resolve to private addresses (comma-separated)',
    schema: listOf(isFetchHost, 'a host or host:port'),
  }),
  maxTakeUsd: define({ name: 'TAKES_MAX_TAKE_USD', default: 'unset', what: 'refuse any take whose estimate is above this', schema: dollars }),
  dailyUsd: define({
    name: 'TAKES_DAILY_USD',
    default: 'unset',
    what: 'refuse takes that would bring today’s spend (UTC: billed, plus estimates of takes still running) above this',
    schema: dollars,
  }),
  rateSubmit: define({
    name: 'TAKES_RATE_SUBMIT',
    default: '30',
    what: 'submits a minute per session and per address (429 with `Retry-After` beyond), counted in the database across processes',
    schema: wholeNumber(1, 30),
  }),
  rateUpload: define({ name: 'TAKES_RATE_UPLOAD', default: '60', what: 'uploads a minute per session and per address', schema: wholeNumber(1, 60) }),
  rateLogin: define({ name: 'TAKES_RATE_LOGIN', default: '10', what: 'sign-in attempts a minute per address and per session', schema: wholeNumber(1, 10) }),
  trustProxy: define({
    name: 'TAKES_TRUST_PROXY',
    default: '0',
    what: '`1`: take the caller’s address from `X-Forwarded-For`’s right-most hop (only behind a proxy that sets it)',
    schema: flag(false),
  }),
  distDir: define({ name: 'TAKES_DIST_DIR', default: '`.next`', what: 'where `next build` writes the build and `npm run start` serves it from', schema: z.string().default('.next') }),
  sourceMaps: define({ name: 'TAKES_SOURCE_MAPS', default: '0', what: '`1`: the build publishes browser source maps', schema: flag(false) }),
} as const

type Definitions = typeof DEFINITIONS
export type Settings = { readonly [K in keyof Definitions]: Definitions[K] extends Definition<infer T> ? T : never }

const KEYS = Object.keys(DEFINITIONS) as (keyof Definitions)[]
const NAMES = KEYS.map((key) => DEFINITIONS[key].name)

/** One or more settings hold values the studio cannot use; the message names each variable. */
export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The studio cannot start with these settings:\n${problems.map((problem) => `  ${problem}`).join('\n')}`)
    this.name = 'SettingsError'
  }
}

function readSettings(env: Env): Settings {
  const settings: Record<string, unknown> = {}
  const problems: string[] = []
  for (const key of KEYS) {
    const definition: Definition<unknown> = DEFINITIONS[key]
    const raw = env[definition.name]
    const value = raw === undefined || raw.trim() === '' ? undefined : definition.untrimmed ? raw : raw.trim()
    const parsed = definition.schema.safeParse(value)
    if (parsed.success) settings[key] = parsed.data
    else problems.push(`${definition.name}${definition.secret ? '' : `=${JSON.stringify(raw)}`}: ${parsed.error.issues[0]?.message ?? 'is not valid'}`)
  }
  if (problems.length) throw new SettingsError(problems)
  return Object.freeze(settings) as Settings
}

const byEnv = new WeakMap<Env, Settings>()
let fromProcess: { fingerprint: string; settings: Settings } | undefined

/**
 * A production process reads its variables once: they do not change while it runs, and reading them
 * all again (a getenv each) cost the proxy more per forwarded call than its own checks (bench:proxy).
 */
const READ_PROCESS_ONCE = process.env.NODE_ENV === 'production'

/**
 * The settings `env` holds, validated (a SettingsError names every bad variable). Remembered per
 * `env` object; for `process.env`, in production for good, elsewhere until one of the variables
 * changes (tests set some).
 */
export function settingsOf(env: Env = process.env): Settings {
  if (env === process.env) {
    if (READ_PROCESS_ONCE && fromProcess) return fromProcess.settings
    const fingerprint = NAMES.map((name) => env[name] ?? '\u0000').join('\u0001')
    if (fromProcess?.fingerprint !== fingerprint) fromProcess = { fingerprint, settings: readSettings(env) }
    return fromProcess.settings
  }
  let settings = byEnv.get(env)
  if (!settings) {
    settings = readSettings(env)
    byEnv.set(env, settings)
  }
  return settings
}

/** The README's table of settings, in markdown. */
export function settingsTable(): string {
  const cell = (value: string) => value.replace(/\|/g, '\\|')
  const rows = KEYS.map((key) => {
    const { name, default: fallback, what } = DEFINITIONS[key]
    return `| \`${name}\` | ${cell(fallback)} | ${cell(what)} |`
  })
  return ['| variable | default | what |', '|---|---|---|', ...rows].join('\n')
}
