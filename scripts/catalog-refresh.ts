// Keeps the committed catalog current: asks fal's platform API for each catalog endpoint's OpenAPI
// document (GET /models?endpoint_id=…&expand=openapi-3.0) and price (GET /models/pricing), rewrites
// what differs in lib/endpoints/data (the *.openapi.json documents, prices.json, lifecycle.json) and
// prints what changed: input fields added or removed, defaults, ranges and enums, prices; an endpoint
// fal no longer lists (or lists as deprecated) is reported and marked as possibly retired in
// lifecycle.json, which the studio shows on its page. Needs FAL_KEY and the network; the studio never
// does: it runs on the committed files. Review the diff and commit it.
//
//   FAL_KEY=… npm run catalog:refresh
//   npm run catalog:refresh -- --dry-run          report only, write nothing
//   npm run catalog:refresh -- --base-url=URL     another platform API than https://api.fal.ai/v1:
//                                                 for tests only, e.g. the fal double at
//                                                 http://127.0.0.1:3000/api/local-fal/platform/v1
//   npm run catalog:refresh -- --data-dir=DIR     refresh a copy instead of lib/endpoints/data
//
// Exit status: 0 when every endpoint was refreshed (changed or not); 1 when something could not be
// (fal's answer failed or was unusable, a price in another unit): the rest is still written;
// 2 for a usage error (no key, an unknown argument).
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { CATALOG_ENTRIES } from '@/lib/endpoints'
import { FAL_PLATFORM_API } from '@/lib/endpoints/refresh/platform-client'
import { refreshCatalog } from '@/lib/endpoints/refresh/refresh-catalog'
import { falAuthorization } from '@/lib/fal/backend'

const DATA_DIR = fileURLToPath(new URL('../lib/endpoints/data/', import.meta.url))

interface Arguments {
  baseUrl: string
  dataDir: string
  dryRun: boolean
}

function parseArguments(argv: readonly string[]): Arguments | string {
  const parsed: Arguments = { baseUrl: FAL_PLATFORM_API, dataDir: DATA_DIR, dryRun: false }
  for (const argument of argv) {
    const [name, value] = argument.includes('=') ? [argument.slice(0, argument.indexOf('=')), argument.slice(argument.indexOf('=') + 1)] : [argument, undefined]
    if (name === '--dry-run' && value === undefined) parsed.dryRun = true
    else if (name === '--base-url' && value) {
      if (!/^https?:\/\//.test(value)) return `--base-url must be an http(s) URL, not ${value}`
      parsed.baseUrl = value
    } else if (name === '--data-dir' && value) parsed.dataDir = path.resolve(value)
    else return `Unknown argument ${argument} (see the top of scripts/catalog-refresh.ts)`
  }
  return parsed
}

async function main(): Promise<number> {
  const args = parseArguments(process.argv.slice(2))
  if (typeof args === 'string') {
    console.error(args)
    return 2
  }
  const authorization = falAuthorization(process.env)
  if (!authorization) {
    console.error('catalog:refresh needs FAL_KEY (or FAL_KEY_ID and FAL_KEY_SECRET): fal\'s pricing API answers only with a key.')
    return 2
  }
  console.log(`catalog:refresh — ${CATALOG_ENTRIES.length} endpoints from ${args.baseUrl}${args.dryRun ? ' (dry run)' : ''}`)
  const result = await refreshCatalog({
    fetch,
    baseUrl: args.baseUrl,
    authorization,
    dataDir: args.dataDir,
    endpoints: CATALOG_ENTRIES.map(({ id, pricingSpec }) => ({ id, pricingSpec })),
    today: new Date().toISOString().slice(0, 10),
    dryRun: args.dryRun,
  })
  for (const line of result.lines) console.log(line)
  return result.problems.length > 0 ? 1 : 0
}

main().then(
  (status) => {
    process.exitCode = status
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error)
    process.exitCode = 1
  },
)
