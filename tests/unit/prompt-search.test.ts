import { describe, expect, it } from 'vitest'
import { createTake, listTakes, updateTake } from '@/lib/db/queries'
import { backends, uniqueEndpoint, useTestDb } from './db-fixture'

// History search finds a take by the prompt typed or by the prompt fal says it used (prompt expansion).

describe.each(backends)('history search by either prompt on $name', (backend) => {
  const testDb = useTestDb(backend)

  it('finds a word that is only in the used prompt, and still the typed one', async () => {
    const db = testDb.db()
    const endpointId = uniqueEndpoint('prompt-search')
    const expanded = await createTake({ endpointId, input: { prompt: 'a heron at dusk' } }, db)
    await updateTake(expanded.id, { status: 'COMPLETED', output: { video: { url: 'https://example.com/a.mp4' }, prompt: 'A grey heron at dusk. Warm golden-hour sunlight.' } }, db)
    const plain = await createTake({ endpointId, input: { prompt: 'a heron in rain' } }, db)
    await updateTake(plain.id, { status: 'COMPLETED', output: { video: { url: 'https://example.com/b.mp4' }, prompt: 'a heron in rain' } }, db)
    await createTake({ endpointId, input: { prompt: 'still running' } }, db)

    const found = async (search: string) => (await listTakes({ endpointId, search }, db)).takes.map((take) => take.id).sort()
    expect(await found('GOLDEN-HOUR')).toEqual([expanded.id])
    expect(await found('grey heron')).toEqual([expanded.id])
    expect(await found('heron at dusk')).toEqual([expanded.id])
    expect(await found('heron')).toEqual([expanded.id, plain.id].sort())
    expect(await found('in rain')).toEqual([plain.id])
    expect(await found('running')).toHaveLength(1)
    // LIKE's wildcards still match literally, on either prompt.
    expect(await found('%')).toEqual([])
    expect(await found('nothing like this')).toEqual([])
  })
})
