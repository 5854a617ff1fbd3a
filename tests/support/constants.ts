/** Passwords the test template's built-in accounts get (the template is made once per test run). */
export const TEMPLATE_ADMIN_PASSWORD = 'admin-password-for-tests'
export const TEMPLATE_USER_PASSWORD = 'user-password-for-tests'
/** Signing key of every test app (base64 of 32 bytes). */
export const TEST_SESSION_SECRET = 'dGVzdC1zZXNzaW9uLXNlY3JldC0zMi1ieXRlcy1sb25nISE='
export const TEMPLATE_DB = 'oriel_template'
export const WORKER_DB = 'oriel_worker'
