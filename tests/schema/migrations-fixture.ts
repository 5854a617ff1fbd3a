export { migrate } from '../../schema/src/migrate'
export { MIGRATIONS as MIGRATIONS_FOR_TESTS } from '../../schema/migrations/index'
