export * from './rules'
export * from './estimate'
export * from './billed'
