export * from './agent'
export * from './signing'
