export * from './agent'
export * from './signing'
export * from './launch-options'
export * from './edge-tokens'
