import { catalog } from '@/lib/endpoints'

export const dynamic = 'force-static'

export function GET() {
  return Response.json(
    catalog.endpoints.map(({ id, title, category, input, output }) => ({ id, title, category, input, output })),
  )
}
