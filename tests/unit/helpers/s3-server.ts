import { mkdtemp, rm } from 'node:fs/promises'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'

import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'

/** The part of s3rver's API (`@20minutes/s3rver`, a maintained fork of `s3rver`; it ships no types) used here. */
interface S3rver {
  run(): Promise<AddressInfo>
  close(): Promise<void>
  httpServer?: Server
  /** Koa's middleware list, composed when the server starts. */
  middleware: Middleware[]
}
interface Context {
  method: string
  /** The request path, still percent-encoded. */
  path: string
  headers: Record<string, string | string[] | undefined>
  store: { getMetadata(bucket: string, key: string): Promise<Record<string, string>> }
}
type Middleware = (ctx: Context, next: () => Promise<void>) => Promise<void>
type S3rverConstructor = new (options: {
  address: string
  port: number
  directory: string
  silent: boolean
  allowMismatchedSignatures: boolean
  vhostBuckets: boolean
  configureBuckets: { name: string }[]
}) => S3rver

const require = createRequire(import.meta.url)

/**
 * S3 answers a suffix range (`bytes=-N`: the last N bytes); s3rver reads it as `bytes=0-N`. This
 * rewrites it to the absolute range S3 would serve, before s3rver sees it. (The Range header is signed,
 * so with `checkSignatures` a suffix range is refused.)
 */
const suffixRangesAsS3Does: Middleware = async (ctx, next) => {
  const suffix = typeof ctx.headers.range === 'string' ? /^bytes=-(\d+)$/.exec(ctx.headers.range.trim()) : null
  const [, bucket, ...key] = ctx.path.split('/')
  if (ctx.method === 'GET' && suffix && bucket && key.length > 0) {
    const size = await ctx.store
      .getMetadata(decodeURIComponent(bucket), key.map(decodeURIComponent).join('/'))
      .then((metadata) => Number(metadata['content-length']))
      .catch(() => null) // no such object: s3rver answers that
    const length = Number(suffix[1])
    if (size && length > 0) ctx.headers.range = `bytes=${Math.max(0, size - length)}-${size - 1}`
  }
  await next()
}

/** s3rver's one account: a request signed with another access key is always refused. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }

export interface S3TestServer {
  /** `http://127.0.0.1:<port>`: path-style addressing only. */
  endpoint: string
  bucket: string
  credentials: { accessKeyId: string; secretAccessKey: string }
  /** The keys the bucket holds under `prefix`, sorted, as ListObjectsV2 reports them. */
  keysUnder(prefix: string): Promise<string[]>
  /** Stops the server and deletes everything it stored. */
  stop(): Promise<void>
}

export interface S3TestServerOptions {
  /**
   * Refuse requests whose SigV4 signature does not match the secret. s3rver gets bucket-level requests
   * wrong here: it leaves out the trailing slash of the path the SDK signs (`/<bucket>/?list-type=2`), so
   * with this on, ListObjectsV2 (and so `deletePrefix` and `keysUnder`) is refused whatever the secret.
   * Object requests (put, get, head, delete) are checked correctly.
   */
  checkSignatures?: boolean
}

/**
 * Starts an S3-compatible server in this process, on a free loopback port, keeping its objects in a
 * temporary directory, with `bucket` already created.
 */
export async function startS3Server(bucket: string, { checkSignatures = false }: S3TestServerOptions = {}): Promise<S3TestServer> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'takes-s3-'))
  const S3rverClass = require('@20minutes/s3rver') as S3rverConstructor
  const server = new S3rverClass({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    allowMismatchedSignatures: !checkSignatures,
    vhostBuckets: false,
    configureBuckets: [{ name: bucket }],
  })
  server.middleware.unshift(suffixRangesAsS3Does)
  let address: AddressInfo
  try {
    address = await server.run()
  } catch (error) {
    await rm(directory, { recursive: true, force: true })
    throw error
  }
  const endpoint = `http://127.0.0.1:${address.port}`
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: CREDENTIALS })

  return {
    endpoint,
    bucket,
    credentials: { ...CREDENTIALS },
    async keysUnder(prefix) {
      const keys: string[] = []
      let continuationToken: string | undefined
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: continuationToken }))
        for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key)
        continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined
      } while (continuationToken)
      return keys.sort()
    },
    async stop() {
      client.destroy()
      server.httpServer?.closeAllConnections()
      await server.close()
      await rm(directory, { recursive: true, force: true })
    },
  }
}
