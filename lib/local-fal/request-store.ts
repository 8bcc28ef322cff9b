import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { LocalRequest } from './types'

/** Keeps each request as one JSON file, replaced atomically, so requests survive a restart. */
export class RequestStore {
  /** Saves of one request run one after another, so the last state written is the last state. */
  private readonly pending = new Map<string, Promise<void>>()

  constructor(private readonly dir: string) {}

  async init() {
    await mkdir(this.dir, { recursive: true })
  }

  async loadAll(): Promise<LocalRequest[]> {
    const names = (await readdir(this.dir)).filter((name) => name.endsWith('.json'))
    const records = await Promise.all(
      names.map(async (name) => {
        try {
          return JSON.parse(await readFile(path.join(this.dir, name), 'utf8')) as LocalRequest
        } catch {
          return undefined
        }
      }),
    )
    return records.filter((record): record is LocalRequest => record !== undefined)
  }

  save(request: LocalRequest): Promise<void> {
    const snapshot = JSON.stringify(request)
    const previous = this.pending.get(request.id) ?? Promise.resolve()
    const next = previous.then(() => this.write(request.id, snapshot))
    this.pending.set(request.id, next)
    const forget = () => {
      if (this.pending.get(request.id) === next) this.pending.delete(request.id)
    }
    next.then(forget, forget)
    return next
  }

  private async write(id: string, snapshot: string) {
    const file = path.join(this.dir, `${id}.json`)
    const temp = `${file}.${process.pid}.tmp`
    await writeFile(temp, snapshot)
    await rename(temp, file)
  }
}
