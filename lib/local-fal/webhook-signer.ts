import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign as signBytes, type KeyObject } from 'node:crypto'
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { webhookMessage } from '@/lib/fal/webhook-signature'

/** The local backend's webhook key: Ed25519, like fal's, published as a JWKS. */
export interface WebhookSigner {
  readonly kid: string
  /** Hex ED25519 signature, as fal puts in `X-Fal-Webhook-Signature`. */
  sign(requestId: string, userId: string, timestamp: string, body: Uint8Array | string): string
  jwks(): { keys: JsonWebKey[] }
}

export const WEBHOOK_KEY_FILE = 'webhook-key.json'

function isEd25519PrivateJwk(value: unknown): value is { kty: 'OKP'; crv: 'Ed25519'; d: string; x: string } {
  if (typeof value !== 'object' || value === null) return false
  const jwk = value as Record<string, unknown>
  return jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.d === 'string' && typeof jwk.x === 'string'
}

/** RFC 7638 thumbprint: a stable key id. */
function thumbprint(x: string): string {
  return createHash('sha256').update(JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x })).digest('base64url')
}

function signerOf(privateKey: KeyObject): WebhookSigner {
  const { x } = createPublicKey(privateKey).export({ format: 'jwk' })
  if (!x) throw new Error('The webhook key has no public part')
  const kid = thumbprint(x)
  const publicJwk: JsonWebKey = { kty: 'OKP', crv: 'Ed25519', x, kid, use: 'sig', alg: 'EdDSA' } as JsonWebKey
  return {
    kid,
    sign: (requestId, userId, timestamp, body) => signBytes(null, webhookMessage(requestId, userId, timestamp, body), privateKey).toString('hex'),
    jwks: () => ({ keys: [{ ...publicJwk }] }),
  }
}

async function readKey(file: string): Promise<KeyObject | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  const jwk: unknown = JSON.parse(text)
  if (!isEd25519PrivateJwk(jwk)) throw new Error(`${file} does not hold an Ed25519 private key`)
  return createPrivateKey({ key: { kty: jwk.kty, crv: jwk.crv, d: jwk.d, x: jwk.x }, format: 'jwk' })
}

/**
 * The key pair kept in `<dataDir>/webhook-key.json` (mode 0600), created on first use so a restart
 * keeps it. Written to a temporary file and hard-linked into place, so two processes starting at
 * once agree on one key and nobody reads a half-written file.
 */
export async function loadWebhookSigner(dataDir: string): Promise<WebhookSigner> {
  const file = path.join(dataDir, WEBHOOK_KEY_FILE)
  const existing = await readKey(file)
  if (existing) return signerOf(existing)
  await mkdir(dataDir, { recursive: true })
  const { privateKey } = generateKeyPairSync('ed25519')
  const temp = `${file}.${randomUUID()}.tmp`
  await writeFile(temp, JSON.stringify(privateKey.export({ format: 'jwk' })), { mode: 0o600, flag: 'wx' })
  try {
    await link(temp, file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  } finally {
    await rm(temp, { force: true })
  }
  // Whoever linked first won; everyone uses that key.
  const kept = await readKey(file)
  if (!kept) throw new Error(`${file} vanished while it was created`)
  return signerOf(kept)
}
