/** What a chain's order needs of each take. */
export interface ChainLink {
  id: string
  parentTakeId: string | null
  /** ISO 8601 or a Date: compared in time order. */
  createdAt: string | Date
}

export interface ChainShape<T extends ChainLink> {
  /** From the chain's root down to the take's parent (empty for a root). */
  ancestors: T[]
  current: T
  /** The takes that continue this one, oldest first. */
  children: T[]
  /**
   * The chain played end to end: its root down to this take, then on through each take's first
   * (oldest) child to the end.
   */
  playOrder: T[]
}

function time(value: string | Date): number {
  return typeof value === 'string' ? Date.parse(value) : value.getTime()
}

/** Parents, children and play order of `currentId` within `takes` (one chain); null when it is not among them. */
export function chainShapeOf<T extends ChainLink>(takes: readonly T[], currentId: string): ChainShape<T> | null {
  const byId = new Map(takes.map((take) => [take.id, take]))
  const current = byId.get(currentId)
  if (!current) return null
  const childrenOf = (id: string) =>
    takes.filter((take) => take.parentTakeId === id).sort((a, b) => time(a.createdAt) - time(b.createdAt) || a.id.localeCompare(b.id))

  const ancestors: T[] = []
  const seen = new Set([current.id])
  for (let parent = current.parentTakeId ? byId.get(current.parentTakeId) : undefined; parent && !seen.has(parent.id); ) {
    seen.add(parent.id)
    ancestors.unshift(parent)
    parent = parent.parentTakeId ? byId.get(parent.parentTakeId) : undefined
  }
  const after: T[] = []
  for (let next = childrenOf(current.id)[0]; next && !seen.has(next.id); next = childrenOf(next.id)[0]) {
    seen.add(next.id)
    after.push(next)
  }
  return { ancestors, current, children: childrenOf(current.id), playOrder: [...ancestors, current, ...after] }
}
