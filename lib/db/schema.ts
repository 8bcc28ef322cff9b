import { randomBytes } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { bigint, boolean, check, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, type AnyPgColumn } from 'drizzle-orm/pg-core'
import type { TakeError } from '@/lib/fal/describe-error'
import type { JsonValue, Payload } from '@/lib/schema'
import { BILL_UNITS } from '@/lib/pricing/rules'
import type { SweepAxis } from '@/lib/sweeps/sweep-plan'
import { SWEEP_STATUSES } from '@/lib/sweeps/sweep-view'
import { TAKE_STATUSES } from '@/lib/takes/take-status'

export { TAKE_STATUSES, UNFINISHED_STATUSES, type TakeStatus } from '@/lib/takes/take-status'
/** Where the studio's own copy of a take's output stands (null: the take has no output to copy). */
export const COPY_STATUSES = ['pending', 'kept', 'failed'] as const
export type CopyStatus = (typeof COPY_STATUSES)[number]


export interface TakeLogEntry {
  message: string
  level: string
  timestamp: string
}

/**
 * 128 random bits, base64url: 22 characters, not guessable, safe in a URL. Never one that starts with "-",
 * which a shell reads as an option and a spreadsheet as a formula (the parameters CSV would have to quote it).
 */
export function newTakeId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

// Millisecond precision, as JS Dates have: a keyset cursor built from a Date then matches the row exactly.
const instant = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' })

export const takes = pgTable(
  'takes',
  {
    id: text('id').primaryKey().$defaultFn(newTakeId),
    endpointId: text('endpoint_id').notNull(),
    input: jsonb('input').$type<Payload>().notNull(),
    /** fal's request id; null until the submit answers. */
    falRequestId: text('fal_request_id').unique(),
    status: text('status', { enum: TAKE_STATUSES }).notNull().default('IN_QUEUE'),
    queuePosition: integer('queue_position'),
    logs: jsonb('logs').$type<TakeLogEntry[]>().notNull().default(sql`'[]'::jsonb`),
    output: jsonb('output').$type<{ [key: string]: JsonValue }>(),
    error: jsonb('error').$type<TakeError>(),
    estimateUsd: doublePrecision('estimate_usd'),
    billedUsd: doublePrecision('billed_usd'),
    /**
     * The units fal billed the request for (its `x-fal-billable-units`: megapixels or seconds, as
     * `billed_unit` says) and the rate they were billed at; `billed_usd` is then their product. Null
     * when fal answered none: `billed_usd` was then computed from the output (lib/pricing/billed).
     */
    billableUnits: doublePrecision('billable_units'),
    billedUnit: text('billed_unit', { enum: BILL_UNITS }),
    billedRateUsd: doublePrecision('billed_rate_usd'),
    /** Seconds, as fal reports it on completion. */
    inferenceTime: doublePrecision('inference_time'),
    createdAt: instant('created_at').notNull().defaultNow(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
    startedAt: instant('started_at'),
    completedAt: instant('completed_at'),
    /** The studio's own copy of the output video and its poster frame (keys in `lib/storage`). */
    videoKey: text('video_key'),
    posterKey: text('poster_key'),
    /**
     * The output copy's state once a take has an output: `pending` while the server retries it with
     * back-off (before fal's media expire), `kept`, or `failed` once it gave up (`copy_error` says why).
     */
    copyStatus: text('copy_status', { enum: COPY_STATUSES }),
    copyAttempts: integer('copy_attempts').notNull().default(0),
    copyRetryAt: instant('copy_retry_at'),
    copyError: text('copy_error'),
    /**
     * The secret in the take's share link; null while the take is private (the default). Sharing
     * again mints a new one, so a revoked link stays dead.
     */
    shareToken: text('share_token').unique(),
    /**
     * When the owner deleted the take: gone from every page, yet still followed to its end and still
     * counted in the day's spend (spending is a ledger).
     */
    deletedAt: instant('deleted_at'),
    /** How the follower hears of it: fal's status stream, or polling once a stream dropped (shown while it runs). */
    followMode: text('follow_mode', { enum: ['stream', 'polling'] }),
    /** When the owner asked to cancel it; the take reads "cancelling" until fal answers. */
    cancelRequestedAt: instant('cancel_requested_at'),
    /**
     * Until when one process holds the right to settle the take (fetch, bill, copy its output): a
     * webhook and the follower never both download it; a crashed settler's claim lapses.
     */
    settlingUntil: instant('settling_until'),
    /** Which server process follows this take, until `lease_expires_at`. */
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: instant('lease_expires_at'),
    /**
     * The sweep this take is a cell of, and which cell (row-major); null for a single take. (Its
     * migration's REFERENCES is left unqualified, so databases in another schema, as tests use, work.)
     */
    sweepId: text('sweep_id').references(() => sweeps.id, { onDelete: 'set null' }),
    sweepIndex: integer('sweep_index'),
    /**
     * The take this one continues (a shot chain: its output, or a frame of it, is this take's input);
     * null for a take that starts a chain. Deleting a take leaves its children standing.
     */
    parentTakeId: text('parent_take_id').references((): AnyPgColumn => takes.id, { onDelete: 'set null' }),
  },
  (t) => [
    check('takes_status_check', sql`${t.status} in ('IN_QUEUE', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED')`),
    // Keyset pagination: newest first, id breaking ties; the same after an equality filter.
    index('takes_created_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('takes_endpoint_created_idx').on(t.endpointId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('takes_status_created_idx').on(t.status, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // The follower's claim looks only at unfinished takes.
    index('takes_unfinished_idx').on(t.createdAt, t.id).where(sql`${t.status} in ('IN_QUEUE', 'IN_PROGRESS')`),
    // The copier looks only at copies still pending, by when they are due.
    index('takes_copy_due_idx').on(t.copyRetryAt).where(sql`${t.copyStatus} = 'pending'`),
    // Prompt search (ILIKE '%…%'); pg_trgm is created by the first migration.
    index('takes_prompt_trgm_idx').using('gin', sql`(${t.input} ->> 'prompt') gin_trgm_ops`),
    // One take per sweep cell, however many processes run the sweep; also the sweep's list of takes.
    unique('takes_sweep_cell_unique').on(t.sweepId, t.sweepIndex),
    // A take's children (its chain, walked down).
    index('takes_parent_idx').on(t.parentTakeId).where(sql`${t.parentTakeId} is not null`),
    // History search finds the prompt fal used (prompt expansion) as well as the one typed.
    index('takes_output_prompt_trgm_idx').using('gin', sql`(${t.output} ->> 'prompt') gin_trgm_ops`),
  ],
)

/**
 * A sweep: one take per combination of the swept values, submitted by the server at most
 * `concurrency` at a time. Cell inputs are derived from `input`, `axes` and `seed` (lib/sweeps).
 */
export const sweeps = pgTable(
  'sweeps',
  {
    id: text('id').primaryKey().$defaultFn(newTakeId),
    endpointId: text('endpoint_id').notNull(),
    input: jsonb('input').$type<Payload>().notNull(),
    /** A sweep varies fields along `axes`; a batch runs one take per row of `rows`. */
    kind: text('kind', { enum: ['sweep', 'batch'] }).notNull().default('sweep'),
    axes: jsonb('axes').$type<SweepAxis[]>().notNull(),
    /** A batch's rows: each row's field values, set over `input` for its take; null for a sweep. */
    rows: jsonb('rows').$type<Payload[]>(),
    /**
     * The shared seed (or the first of the varied ones), as decimal digits: fal's seeds can be
     * 64-bit, beyond the integers a JS number holds exactly. Null when the endpoint has none.
     */
    seed: text('seed'),
    varySeed: boolean('vary_seed').notNull().default(false),
    concurrency: integer('concurrency').notNull(),
    cellCount: integer('cell_count').notNull(),
    /** The next cell to submit: cells below it have been submitted (their takes may since be deleted). */
    nextIndex: integer('next_index').notNull().default(0),
    estimateUsd: doublePrecision('estimate_usd').notNull(),
    /** What stopping it saved: the estimates of cells never submitted and of takes cancelled before they ran. */
    savedUsd: doublePrecision('saved_usd'),
    status: text('status', { enum: SWEEP_STATUSES }).notNull().default('RUNNING'),
    createdAt: instant('created_at').notNull().defaultNow(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
    /** Which server process submits this sweep's takes, until `lease_expires_at`. */
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: instant('lease_expires_at'),
  },
  (t) => [
    check('sweeps_status_check', sql`${t.status} in ('RUNNING', 'DONE', 'STOPPED')`),
    check('sweeps_concurrency_check', sql`${t.concurrency} >= 1`),
    check('sweeps_kind_check', sql`${t.kind} in ('sweep', 'batch') and (${t.kind} = 'batch') = (${t.rows} is not null)`),
    index('sweeps_running_idx').on(t.createdAt).where(sql`${t.status} = 'RUNNING'`),
  ],
)

export type Sweep = typeof sweeps.$inferSelect
export type NewSweep = typeof sweeps.$inferInsert

export type Take = typeof takes.$inferSelect
export type NewTake = typeof takes.$inferInsert

/** A named set of form values (a payload) for one endpoint: saved from the playground, loaded back into it. */
export const presets = pgTable(
  'presets',
  {
    id: text('id').primaryKey().$defaultFn(newTakeId),
    endpointId: text('endpoint_id').notNull(),
    name: text('name').notNull(),
    values: jsonb('values').$type<Payload>().notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // One name per endpoint; the unique index also serves the per-endpoint list.
    unique('presets_endpoint_name_unique').on(t.endpointId, t.name),
    // Names are trimmed, 1–80 characters (lib/presets checks the same, with messages).
    check('presets_name_check', sql`char_length(${t.name}) between 1 and 80 and ${t.name} = btrim(${t.name})`),
  ],
)

export type Preset = typeof presets.$inferSelect
export type NewPreset = typeof presets.$inferInsert

/** The model generation a LoRA was trained on: it works only on endpoints of the same base. */
export const LORA_BASES = ['ltx-2-19b', 'ltx-2.3-22b'] as const
export type LoraBase = (typeof LORA_BASES)[number]

/**
 * A LoRA in the library: Lightricks' official ones (`official`, written from lib/loras/official-loras.ts
 * the first time a process reads the library) and the
 * user's own, added by URL. The LoRA list widget's picker fills a row's path and scale from it.
 */
export const loras = pgTable(
  'loras',
  {
    id: text('id').primaryKey().$defaultFn(newTakeId),
    name: text('name').notNull(),
    url: text('url').notNull().unique(),
    base: text('base', { enum: LORA_BASES }).notNull(),
    /** What it does, for grouping: a camera motion, an IC-LoRA (control from a reference video), or anything else. */
    kind: text('kind', { enum: ['camera', 'ic', 'style'] }).notNull(),
    recommendedScale: doublePrecision('recommended_scale').notNull(),
    /** Words the prompt should carry for it to take effect, if any. */
    triggerWords: text('trigger_words'),
    /** How to use it (what input it expects, what it does). */
    note: text('note'),
    official: boolean('official').notNull().default(false),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [
    check('loras_name_check', sql`char_length(${t.name}) between 1 and 80 and ${t.name} = btrim(${t.name})`),
    check('loras_scale_check', sql`${t.recommendedScale} >= 0 and ${t.recommendedScale} <= 4`),
  ],
)

export type Lora = typeof loras.$inferSelect
export type NewLora = typeof loras.$inferInsert

/** A signed-in session: its cookie carries the id and an HMAC; signing out deletes the row. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    createdAt: instant('created_at').notNull().defaultNow(),
    expiresAt: instant('expires_at').notNull(),
  },
  (t) => [index('sessions_expires_idx').on(t.expiresAt)],
)

export type Session = typeof sessions.$inferSelect

/** Secrets the studio makes itself and keeps with its data (session signing key, the simulator's key…). */
export const studioSecrets = pgTable('studio_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: instant('created_at').notNull().defaultNow(),
})

/**
 * Requests counted against a rate limit, one row per key per second, so every process on one
 * database counts the same requests and a busy key holds at most a window's seconds of rows. A
 * second's hits leave the window together, with its last hit (`last_at`).
 */
export const rateLimitCounts = pgTable(
  'rate_limit_counts',
  {
    key: text('key').notNull(),
    second: bigint('second', { mode: 'number' }).notNull(),
    hits: integer('hits').notNull(),
    lastAt: instant('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.second] })],
)
