/** Types for the untyped `bcrypt-pbkdf` package (a pure-JS port of OpenBSD's bcrypt_pbkdf), the part we call. */
declare module 'bcrypt-pbkdf' {
  const bcryptPbkdf: {
    /** Fills `key[0..keylen)`; returns 0, or -1 when an argument is out of range (empty pass or salt, rounds < 1). */
    pbkdf(pass: Uint8Array, passlen: number, salt: Uint8Array, saltlen: number, key: Uint8Array, keylen: number, rounds: number): number
  }
  export default bcryptPbkdf
}
