import type { NextRequest } from 'next/server'
import { catalog } from '@/lib/endpoints'
import { createFalProxy } from '@/lib/fal/proxy'

export const dynamic = 'force-dynamic'

const proxy = createFalProxy(catalog)

export function GET(request: NextRequest) {
  return proxy.GET(request)
}
export function POST(request: NextRequest) {
  return proxy.POST(request)
}
export function PUT(request: NextRequest) {
  return proxy.PUT(request)
}
