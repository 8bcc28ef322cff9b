import { ESLint } from 'eslint'
import { beforeAll, describe, expect, it } from 'vitest'
import { serverOnlyModules } from '@/scripts/server-only-modules.mjs'

let eslint: ESLint

beforeAll(async () => {
  eslint = new ESLint({ cwd: process.cwd() })
  // Loading the configuration (Next.js's presets, the server-only scan) is the slow part: once, here.
  await eslint.calculateConfigForFile('lib/example.ts')
}, 60_000)

/** The import rules `code` breaks when it is the file at `filePath`. */
async function refusals(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports' || message.ruleId === 'no-restricted-syntax').map((message) => message.ruleId!)
}

describe('nothing in production imports the simulator', () => {
  it.each([
    ['lib/takes/example.ts', "import { localFal } from '@/lib/local-fal/instance'"],
    ['lib/fal/example.ts', "export { JWKS_PATH } from '../local-fal/http'"],
    ['app/api/takes/example/route.ts', "import type { Counters } from '@/lib/local-fal/faults'"],
    ['proxy.ts', "const instance = await import('./lib/local-fal/instance')"],
    ['components/example.tsx', "import { LocalFalEngine } from '@/lib/local-fal/engine'"],
  ])('%s: refused', async (filePath, code) => {
    expect(await refusals(filePath, `${code}\n`)).not.toEqual([])
  })

  it.each([
    ['app/api/local-fal/[...path]/route.ts', "import { localFal } from '@/lib/local-fal/instance'"],
    ['instrumentation.ts', "const instance = await import('./lib/local-fal/instance')"],
    ['lib/local-fal/example.ts', "import { FileStore } from './files'"],
    ['tests/unit/example.test.ts', "import { LocalFalEngine } from '@/lib/local-fal/engine'"],
    ['scripts/example.mjs', "import { readLocalFalConfig } from '../lib/local-fal/config'"],
    ['lib/takes/example.ts', "import { ORIGIN_HEADER } from '@/lib/fal/local-simulator'"],
  ])('%s: allowed', async (filePath, code) => {
    expect(await refusals(filePath, `${code}\n`)).toEqual([])
  })
})

describe('components import no server-only module', () => {
  const modules = serverOnlyModules(process.cwd())

  it('finds the modules that import server-only, directly or through another module', () => {
    expect(modules).toEqual(expect.arrayContaining(['lib/db/queries', 'lib/auth/session', 'lib/fal/server-client', 'lib/storage', 'lib/takes/follower']))
    // Plain modules that components share with the server stay importable.
    expect(modules).not.toContain('lib/takes/take-view')
    expect(modules).not.toContain('lib/db/schema')
  })

  it('refuses every one of them, by alias or relative path', async () => {
    for (const serverModule of modules) {
      expect(await refusals('components/example/widget.tsx', `import * as m from '@/${serverModule}'\nvoid m\n`), serverModule).toContain('no-restricted-imports')
    }
    expect(await refusals('components/example/widget.tsx', "import { getTake } from '../../lib/db/queries'\n")).toEqual(['no-restricted-imports'])
    expect(await refusals('components/example/widget.tsx', "const q = await import('@/lib/db/queries')\n")).toEqual(['no-restricted-syntax'])
  }, 30_000)

  it('allows their types, and modules that are not server-only', async () => {
    expect(await refusals('components/example/widget.tsx', "import type { TakeRow } from '@/lib/db/queries'\n")).toEqual([])
    expect(await refusals('components/example/widget.tsx', "import { takeViewOf } from '@/lib/takes/take-view'\n")).toEqual([])
  })

  it('leaves pages and routes under app/ free to read server data', async () => {
    expect(await refusals('app/example/page.tsx', "import { getTake } from '@/lib/db/queries'\n")).toEqual([])
  })
})
