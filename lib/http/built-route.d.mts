import type { IncomingMessage, ServerResponse } from 'node:http'

export type RouteHandler = (request: Request) => Promise<Response>

/** What every answer of a route served by serveRouteHandlers carries. */
export declare const API_RESPONSE_HEADERS: Readonly<Record<string, string>>

/** The handlers a built app route exports, read from the build in `distDir`; throws when there are none. */
export declare function builtRouteHandlers(distDir: string, route: string): Record<string, RouteHandler>

/** A Node request listener that answers with the route's handlers. */
export declare function serveRouteHandlers(handlers: Record<string, RouteHandler>): (req: IncomingMessage, res: ServerResponse) => Promise<void>
