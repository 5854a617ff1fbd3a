/** Passwords the test template's built-in accounts get (the template is made once per test run). */
export const TEMPLATE_ADMIN_PASSWORD = 'admin-password-for-tests'
export const TEMPLATE_USER_PASSWORD = 'user-password-for-tests'
/** Signing key of every test app (base64 of 32 bytes). */
export const TEST_SESSION_SECRET = 'dGVzdC1zZXNzaW9uLXNlY3JldC0zMi1ieXRlcy1sb25nISE='
export const TEMPLATE_DB = 'oriel_template'
export const WORKER_DB = 'oriel_worker'
/** The edge's Ed25519 signing key in tests (a throwaway key made for the test suite). */
export const TEST_EDGE_SIGNING_KEY =
  '{"crv":"Ed25519","d":"6m07hn0ja-cZdz5TeCUALu1H8ThQf4Lyjl6fMTsnaEk","x":"apdqYRmLS-yPvTUw9baNK5e3fdeUXj61Ef1QU3izV1E","kty":"OKP"}'
/** Keys for secrets at rest in tests. */
export const TEST_SECRETS_KEY = 'test1:/SSlbPFQe2Gb851VIyusX18/NuDJlmeAB1wzQn0s7iE='
