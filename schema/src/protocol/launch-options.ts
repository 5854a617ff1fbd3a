// Kasm's request_kasm launch options as the edge stores them in a launch spec and the agent applies them.
import type { PERSISTENT_PROFILE_MODES } from '../inputs/kasms'

/** Kasm's persistent profile modes: keep the saved profile, start without it, or empty it first. */
export type PersistentProfileMode = (typeof PERSISTENT_PROFILE_MODES)[number]

/**
 * Variables the agent sets in every session container itself. A launch cannot replace them: the
 * edge refuses them in `environment`, and the agent writes them last whatever reaches it.
 */
export const AGENT_ENV_NAMES = ['VNC_PW'] as const
export type AgentEnvName = (typeof AGENT_ENV_NAMES)[number]

/** The locale variables Kasm's images read for the user's language. */
export type LocaleVariables = { LANG: string; LANGUAGE: string; LC_ALL: string }

/**
 * A browser language tag (`en-US`, `pt_BR`, `de`) as the UTF-8 POSIX locale Kasm's images use
 * (their Dockerfiles set `LANG=en_US.UTF-8`, `LANGUAGE=en_US:en`, `LC_ALL=en_US.UTF-8`).
 *
 * glibc names locales language_REGION, so a tag without a two-letter region gets its likely one
 * from CLDR (`de` → de_DE, `ja` → ja_JP, `es-419` → es_ES, via Intl.Locale#maximize). A language
 * with none (`eo`) keeps its bare name, as glibc's own eo.UTF-8 does. An image that lacks the
 * locale falls back to C, as it would for any other language it was not built with. Null when the
 * tag has no language glibc could name (not 2–3 letters, or not BCP 47 at all).
 */
export function localeVariables(tag: string): LocaleVariables | null {
  let locale: Intl.Locale
  try {
    locale = new Intl.Locale(tag.replaceAll('_', '-'))
  } catch {
    return null
  }
  const language = locale.language.toLowerCase()
  if (!/^[a-z]{2,3}$/.test(language)) return null
  const region = twoLetters(locale.region) ?? twoLetters(likelyRegion(language))
  const name = region ? `${language}_${region}` : language
  return { LANG: `${name}.UTF-8`, LANGUAGE: region ? `${name}:${language}` : language, LC_ALL: `${name}.UTF-8` }
}

const twoLetters = (region: string | undefined) => (region && /^[A-Z]{2}$/.test(region) ? region : undefined)

function likelyRegion(language: string): string | undefined {
  try {
    return new Intl.Locale(language).maximize().region
  } catch {
    return undefined
  }
}
