export * from './rules'
export * from './estimate'
