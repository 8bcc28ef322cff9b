import { catalog } from '@/lib/endpoints'
import { route } from '@/lib/http/route'

export const dynamic = 'force-dynamic'

/** GET /api/endpoints: the catalog's endpoints, with their input and output schemas. */
export const GET = route({}, () =>
  Response.json(catalog.endpoints.map(({ id, title, category, input, output }) => ({ id, title, category, input, output }))),
)
