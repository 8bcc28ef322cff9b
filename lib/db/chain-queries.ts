import 'server-only'
import { and, asc, isNull, sql, type SQL } from 'drizzle-orm'
import type { Db } from './client'
import { conn } from './query-helpers'
import { takes, type Take } from './schema'

/** How far a chain is walked up or down: far beyond any real chain, and a stop should a cycle ever appear. */
const MAX_CHAIN_DEPTH = 500

/**
 * The ids of every take in `takeId`'s chain: up its parents to the root, then every take descended
 * from that root (deleted ones too; callers hide them). A subquery, for `where` clauses.
 */
export function chainIdsOf(takeId: string): SQL {
  return sql`(
    with recursive up(id, parent_take_id, depth) as (
      select t.id, t.parent_take_id, 0 from ${takes} t where t.id = ${takeId}
      union all
      select p.id, p.parent_take_id, up.depth + 1 from ${takes} p join up on p.id = up.parent_take_id where up.depth < ${MAX_CHAIN_DEPTH}
    ),
    root as (select id from up order by depth desc limit 1),
    down(id, depth) as (
      select id, 0 from root
      union all
      select c.id, down.depth + 1 from ${takes} c join down on c.parent_take_id = down.id where down.depth < ${MAX_CHAIN_DEPTH}
    )
    select id from down
  )`
}

/** A condition: the take is in `takeId`'s chain. */
export function inChainOf(takeId: string): SQL {
  return sql`${takes.id} in ${chainIdsOf(takeId)}`
}

/** Every take of `takeId`'s chain that is not deleted, oldest first; empty when there is no such take. */
export async function getChain(takeId: string, db?: Db): Promise<Take[]> {
  return (await conn(db))
    .select()
    .from(takes)
    .where(and(inChainOf(takeId), isNull(takes.deletedAt)))
    .orderBy(asc(takes.createdAt), asc(takes.id))
}
