import { kasmId } from '../ids'

/** Kasm's relative deep link to a session: the dashboard signs in with its token and opens the session. */
export const deepLink = (id: string, userId: string, sessionToken: string) =>
  `/#/connect/kasm/${kasmId(id)}/${kasmId(userId)}/${sessionToken}`
