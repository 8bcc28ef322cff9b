// Another process for tests/unit/data-dir-lock.test.ts, run with
// `node --conditions=react-server --import tsx tests/unit/helpers/data-dir-holder.ts <mode> <data dir> [db dir]`:
//   hold   claims the data directory (and [db dir], as TAKES_DB_DIR) as a studio does, says "held",
//          then waits to be killed;
//   write  opens the embedded database in <data dir>/db and inserts takes without end, saying
//          "writing" once the first is in, to be killed with kill -9 mid-write.
import path from 'node:path'
import { claimEmbeddedData } from '@/lib/db/data-dir-lock'
import { openDb } from '@/lib/db/client'
import { createTake } from '@/lib/db/queries'

const [mode, dataDir, dbDir] = process.argv.slice(2)
if (!dataDir || (mode !== 'hold' && mode !== 'write')) throw new Error('usage: data-dir-holder.ts hold|write <data dir>')

// Keeps the process alive: the lock itself does not.
setInterval(() => {}, 60_000)

async function main(dir: string) {
  if (mode === 'hold') {
    await claimEmbeddedData({ TAKES_DATA_DIR: dir, TAKES_DB_DIR: dbDir, PORT: '3999' })
    console.log('held')
    return
  }
  const { db } = await openDb({ kind: 'pglite', dataDir: path.join(dir, 'db') })
  for (let i = 0; ; i++) {
    await createTake({ endpointId: 'fal-ai/test/crash', input: { prompt: `write ${i} ${'x'.repeat(2000)}` } }, db)
    if (i === 0) console.log('writing')
  }
}

main(dataDir).catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
