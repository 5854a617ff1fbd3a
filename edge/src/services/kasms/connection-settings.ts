import { ssoUsername, toGuacdPem, type DlpFlags, type PromptParam, type ProxyProtocol, type Server } from '#schema'
import { ApiError } from '../../errors'

export const PROTOCOL_OF: Record<Server['connectionType'], ProxyProtocol> = { SSH: 'ssh', VNC: 'vnc', RDP: 'rdp', KasmVNC: 'kasmvnc' }

/**
 * guacd parameters an admin's connection info (`{"guac": {"settings": …}}`, seed 004's tmux and
 * screen examples) may set: how the session looks and behaves. Never the target, the credentials or
 * the DLP switches, which the edge sets below and the relay enforces again (DESIGN §6).
 */
const INFO_ALLOWED = new Set([
  // terminal (SSH)
  'font-name',
  'font-size',
  'color-scheme',
  'scrollback',
  'command',
  'terminal-type',
  'backspace',
  'locale',
  'timezone',
  'server-alive-interval',
  'host-key',
  // display and behaviour (RDP, VNC)
  'color-depth',
  'resize-method',
  'security',
  'ignore-cert',
  'cert-tofu',
  'cert-fingerprints',
  'disable-auth',
  'server-layout',
  'console',
  'initial-program',
  'remote-app',
  'remote-app-dir',
  'remote-app-args',
  'disable-gfx',
  'force-lossless',
  'normalize-clipboard',
  'clipboard-encoding',
  'cursor',
  'swap-red-blue',
  'encodings',
  'autoretry',
  'dest-host',
  'dest-port',
  'disable-audio',
  'enable-wallpaper',
  'enable-theming',
  'enable-font-smoothing',
  'enable-full-window-drag',
  'enable-desktop-composition',
  'enable-menu-animations',
  'disable-bitmap-caching',
  'disable-offscreen-caching',
  'disable-glyph-caching',
])

/** guacd reads "true" as on and anything else as off. */
const flag = (on: boolean) => (on ? 'true' : '')

/** The admin's allowed connection info, as guacd strings. A `type` that differs from the server's is ignored: the server decides. */
export function connectionInfoSettings(info: { guac?: { settings?: Record<string, unknown> } } | null | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  const settings = info?.guac?.settings
  if (!settings || typeof settings !== 'object') return out
  for (const [name, value] of Object.entries(settings)) {
    if (!INFO_ALLOWED.has(name)) continue
    if (typeof value === 'boolean') out[name] = flag(value)
    else if (typeof value === 'number' || typeof value === 'string') out[name] = String(value)
  }
  return out
}

/**
 * guacd's own DLP parameters (the first of two layers: guacd then never installs the handlers; the
 * relay filter is the second). Uploads and downloads use SFTP on SSH and the virtual drive on RDP.
 */
export function dlpSettings(protocol: ProxyProtocol, dlp: DlpFlags, viewOnly: boolean, kasmId: string): Record<string, string> {
  const s: Record<string, string> = { 'disable-copy': flag(!dlp.clipboard_down), 'disable-paste': flag(!dlp.clipboard_up) }
  if (viewOnly) s['read-only'] = 'true'
  const files = dlp.uploads || dlp.downloads
  if (protocol === 'ssh' && files) {
    Object.assign(s, {
      'enable-sftp': 'true',
      'sftp-disable-upload': flag(!dlp.uploads),
      'sftp-disable-download': flag(!dlp.downloads),
    })
  }
  if (protocol === 'rdp') {
    if (files)
      Object.assign(s, {
        'enable-drive': 'true',
        'drive-path': `/tmp/oriel-drive/${kasmId}`,
        'create-drive-path': 'true',
        'drive-name': 'Oriel',
        'disable-upload': flag(!dlp.uploads),
        'disable-download': flag(!dlp.downloads),
      })
    if (dlp.printing) s['enable-printing'] = 'true'
  }
  return s
}

/** What the credential type needs from the user at connect time. */
export type UserCredentials = {
  username: string
  /** The user's own sign-in password (SSO_USERNAME), when a live sign-in holds one. */
  signInPassword: () => Promise<string | null>
  /** The user's SSH private key as PEM (use_user_private_key); made on first use. */
  userPrivateKey: () => Promise<string>
}

/** The server's secrets, decrypted. */
export type ServerSecrets = { password: string | null; privateKey: string | null; passphrase: string | null }

/**
 * The credentials guacd gets, by the server's credential type (seed 004), or the parameters the
 * browser must be asked for (PROMPT_USER). Private keys reach guacd as unencrypted PKCS#1 PEM
 * whatever the admin pasted (guacd 1.3.0 reads only PEM; guacd-ci.md G4).
 */
export async function credentialSettings(
  server: Pick<Server, 'connectionType' | 'credentialType' | 'connectionUsername' | 'ssoUsernameDomain' | 'useUserPrivateKey' | 'name'>,
  secrets: ServerSecrets,
  user: UserCredentials,
): Promise<{ settings: Record<string, string>; prompt: PromptParam[] }> {
  const ssh = server.connectionType === 'SSH'
  if (server.credentialType === 'PROMPT_USER') {
    return { settings: {}, prompt: server.connectionType === 'RDP' ? ['username', 'password', 'domain'] : ['username', 'password'] }
  }
  const username =
    server.credentialType === 'SSO_USERNAME' ? ssoUsername(user.username, server.ssoUsernameDomain) : server.connectionUsername
  const settings: Record<string, string> = {}
  if (username) settings.username = username
  if (ssh && server.useUserPrivateKey) {
    settings['private-key'] = await user.userPrivateKey()
    return { settings, prompt: [] }
  }
  if (ssh && secrets.privateKey) {
    try {
      settings['private-key'] = toGuacdPem(secrets.privateKey, secrets.passphrase)
    } catch {
      throw ApiError.conflict(
        `The private key of the server "${server.name}" does not open with its passphrase; an admin must fix the server`,
      )
    }
    return { settings, prompt: [] }
  }
  if (server.credentialType === 'SSO_USERNAME') {
    const password = await user.signInPassword()
    if (password === null)
      throw ApiError.conflict(
        `The server "${server.name}" signs in with your own password (SSO_USERNAME), and your sign-in holds none: sign in again with your username and password`,
      )
    settings.password = password
  } else if (secrets.password !== null) settings.password = secrets.password
  return { settings, prompt: [] }
}
