export * from './define'
export * from './image'
export * from './server'
export * from './session'
