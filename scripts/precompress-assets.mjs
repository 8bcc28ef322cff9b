// Writes a Brotli copy (`.br`) beside every JavaScript and CSS file of the production build, for
// scripts/serve.mjs to send to browsers that accept it (Next's own server only gzips).
import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { brotliCompressSync, constants } from 'node:zlib'

const staticDir = path.join(process.env.TAKES_DIST_DIR ?? '.next', 'static')

async function* assets(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) yield* assets(full)
    else if (/\.(js|css)$/.test(entry.name)) yield full
  }
}

let files = 0
let before = 0
let after = 0
for await (const file of assets(staticDir)) {
  const bytes = await readFile(file)
  const compressed = brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  })
  await writeFile(`${file}.br`, compressed)
  files += 1
  before += bytes.length
  after += compressed.length
}
console.log(`precompressed ${files} assets: ${(before / 1000).toFixed(0)} kB → ${(after / 1000).toFixed(0)} kB (brotli)`)
