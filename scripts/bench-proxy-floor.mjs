// bench:proxy's reference: the least any proxy built on fetch does, as a process of its own. It reads a
// call's body, forwards it to the simulator with the key (by the global fetch, as @fal-ai/server-proxy
// does), and sends the answer back: no sign-in, no target checks, no validation. Given a PostgreSQL URL,
// it also counts each POST in the studio's rate-limit function first (one round trip, as the studio's
// proxy counts an upload handshake), so the bench can show what the cross-process limit costs alone.
// Usage: node scripts/bench-proxy-floor.mjs <port> <simulator base URL> <simulator key> [database URL]
import http from 'node:http'

const [port, simulatorBase, key, databaseUrl] = process.argv.slice(2)
const pool = databaseUrl ? new (await import('pg')).default.Pool({ connectionString: databaseUrl }) : null
const COUNT_HIT = 'select answer.oldest from unnest(takes_record_hits($1::jsonb)) with ordinality as answer(oldest, n) order by answer.n'

async function countHit() {
  const now = Date.now()
  const batch = [{ keys: ['upload:bench-proxy-floor'], limit: 1e9, since: new Date(now - 60_000).toISOString(), at: new Date(now).toISOString() }]
  await pool.query(COUNT_HIT, [JSON.stringify(batch)])
}

http
  .createServer(async (req, res) => {
    try {
      const chunks = []
      for await (const chunk of req) chunks.push(chunk)
      if (pool && req.method === 'POST') await countHit()
      const headers = { authorization: `Key ${key}` }
      if (req.headers['content-type']) headers['content-type'] = req.headers['content-type']
      const answer = await fetch(`${simulatorBase}${req.url}`, { method: req.method, headers, body: req.method === 'GET' ? undefined : Buffer.concat(chunks) })
      const body = Buffer.from(await answer.arrayBuffer())
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/octet-stream', 'content-length': body.length })
      res.end(body)
    } catch (error) {
      res.writeHead(502, { 'content-type': 'text/plain' })
      res.end(String(error))
    }
  })
  .listen(Number(port), '127.0.0.1', () => console.log('ready'))
