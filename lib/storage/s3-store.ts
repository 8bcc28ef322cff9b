import 'server-only'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'

import type { S3Client } from '@aws-sdk/client-s3'

import { isSingleByteRange } from '@/lib/http/byte-range'
import { settingsOf, type Env } from '@/lib/settings'
import { fileResponseHeaders } from '@/lib/http/file-headers'
import {
  OUTPUT_CACHE_CONTROL,
  assertValidKey,
  contentTypeOfKey,
  isValidKey,
  nameOfKey,
  notFound,
  safeContentType,
  splitPrefix,
  type OutputStore,
} from './store'

export interface S3StoreConfig {
  bucket: string
  region: string
  /** An S3-compatible server (MinIO…); AWS itself when absent. */
  endpoint?: string
  /** `<endpoint>/<bucket>/<key>` instead of `<bucket>.<endpoint>/<key>` (MinIO needs it). */
  forcePathStyle: boolean
  /** When absent, the SDK's default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles, roles…). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
}

/** The S3 set-up TAKES_S3_* describe, or null when TAKES_S3_BUCKET is not set. */
export function s3ConfigFromEnv(env: Env = process.env): S3StoreConfig | null {
  const { s3Bucket: bucket, s3Region: region, s3Endpoint: endpoint, s3ForcePathStyle: forcePathStyle } = settingsOf(env)
  if (!bucket) return null
  return { bucket, region, ...(endpoint ? { endpoint } : {}), forcePathStyle }
}

/** An error's HTTP status and name, as the SDK reports them. */
function describe(error: unknown): { status?: number; name?: string } {
  if (typeof error !== 'object' || error === null) return {}
  const name = 'name' in error && typeof error.name === 'string' ? error.name : undefined
  const metadata = '$metadata' in error ? error.$metadata : undefined
  const status =
    typeof metadata === 'object' && metadata !== null && 'httpStatusCode' in metadata && typeof metadata.httpStatusCode === 'number'
      ? metadata.httpStatusCode
      : undefined
  return { status, name }
}

const DELETE_CONCURRENCY = 8

/**
 * Keeps outputs in an S3 bucket under their keys. Serving proxies GetObject (with the request's
 * Range) through the studio, so the bucket can stay private. The SDK is loaded on first use, so a
 * studio on local disk never loads it.
 */
export class S3Store implements OutputStore {
  private client?: Promise<{ client: S3Client; sdk: typeof import('@aws-sdk/client-s3') }>

  constructor(readonly config: S3StoreConfig) {}

  private connect() {
    this.client ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      client: new sdk.S3Client({
        region: this.config.region,
        ...(this.config.endpoint ? { endpoint: this.config.endpoint } : {}),
        forcePathStyle: this.config.forcePathStyle,
        ...(this.config.credentials ? { credentials: this.config.credentials } : {}),
        // Checksums only where S3 requires them: S3-compatible servers do not all accept the
        // SDK's default (aws-chunked uploads with trailing CRC32 checksums).
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        requestHandler: { connectionTimeout: 10_000 },
      }),
    }))
    return this.client
  }

  async put(key: string, source: string | Uint8Array, contentType: string): Promise<void> {
    assertValidKey(key)
    const { client, sdk } = await this.connect()
    const common = {
      Bucket: this.config.bucket,
      Key: key,
      ContentType: safeContentType(contentType),
      CacheControl: OUTPUT_CACHE_CONTROL,
    }
    if (typeof source !== 'string') {
      await client.send(new sdk.PutObjectCommand({ ...common, Body: source, ContentLength: source.byteLength }))
      return
    }
    // Streamed from disk (one PutObject holds up to 5 GB; outputs are capped well below that).
    const { size } = await stat(source)
    const body = createReadStream(source)
    try {
      await client.send(new sdk.PutObjectCommand({ ...common, Body: body, ContentLength: size }))
    } finally {
      body.destroy()
    }
  }

  async serve(key: string, rangeHeader: string | null): Promise<Response> {
    if (!isValidKey(key)) return notFound()
    const { client, sdk } = await this.connect()
    const range = isSingleByteRange(rangeHeader) ? rangeHeader.trim() : undefined
    try {
      const object = await client.send(new sdk.GetObjectCommand({ Bucket: this.config.bucket, Key: key, Range: range }))
      const headers = new Headers({
        ...fileResponseHeaders(safeContentType(object.ContentType ?? contentTypeOfKey(key)), nameOfKey(key)),
        'accept-ranges': 'bytes',
        'cache-control': OUTPUT_CACHE_CONTROL,
      })
      if (object.ContentLength !== undefined) headers.set('content-length', String(object.ContentLength))
      if (object.ETag) headers.set('etag', object.ETag)
      if (object.LastModified) headers.set('last-modified', object.LastModified.toUTCString())
      const partial = range !== undefined && object.ContentRange !== undefined
      if (partial && object.ContentRange) headers.set('content-range', object.ContentRange)
      const body = object.Body?.transformToWebStream() ?? null
      return new Response(body, { status: partial ? 206 : 200, headers })
    } catch (error) {
      const { status, name } = describe(error)
      if (status === 404 || name === 'NoSuchKey' || name === 'NotFound') return notFound()
      if (status === 416 || name === 'InvalidRange') return this.unsatisfiable(key)
      throw error
    }
  }

  /** A 416 with the object's size, which S3's error does not carry in a typed field. */
  private async unsatisfiable(key: string): Promise<Response> {
    const { client, sdk } = await this.connect()
    try {
      const head = await client.send(new sdk.HeadObjectCommand({ Bucket: this.config.bucket, Key: key }))
      const headers = new Headers({ 'accept-ranges': 'bytes', 'content-range': `bytes */${head.ContentLength ?? 0}` })
      if (head.ContentType) headers.set('content-type', safeContentType(head.ContentType))
      return new Response(null, { status: 416, headers })
    } catch (error) {
      const { status } = describe(error)
      if (status === 404) return notFound()
      throw error
    }
  }

  async deletePrefix(prefix: string): Promise<void> {
    splitPrefix(prefix)
    const { client, sdk } = await this.connect()
    let continuationToken: string | undefined
    do {
      const page = await client.send(
        new sdk.ListObjectsV2Command({ Bucket: this.config.bucket, Prefix: prefix, ContinuationToken: continuationToken }),
      )
      const keys = (page.Contents ?? []).map((object) => object.Key).filter((key): key is string => key !== undefined)
      // One DeleteObject per key (a take has two): unlike DeleteObjects, every S3-compatible server has it.
      for (let index = 0; index < keys.length; index += DELETE_CONCURRENCY) {
        await Promise.all(
          keys
            .slice(index, index + DELETE_CONCURRENCY)
            .map((key) => client.send(new sdk.DeleteObjectCommand({ Bucket: this.config.bucket, Key: key }))),
        )
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (continuationToken)
  }
}
