// The rows the import bench uses: 10,000 realistic valid servers (KasmVNC, RDP and SSH, with
// passwords, labels and connection info), and 10,000 rows with three to four problems each.
import { SERVER_CSV_COLUMNS } from '#schema'

const csvCell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s)
const toCsv = (rows: Record<string, string>[]) =>
  [SERVER_CSV_COLUMNS.join(','), ...rows.map((r) => SERVER_CSV_COLUMNS.map((c) => csvCell(r[c] ?? '')).join(','))].join('\n') + '\n'

export function validCsv(n: number): string {
  const tmux = JSON.stringify({ guac: { type: 'ssh', settings: { 'font-size': '11', command: 'tmux a || tmux' } } })
  return toCsv(
    Array.from({ length: n }, (_, i) => {
      const host = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
      const common = {
        name: `server-${i}`,
        zone_name: 'default',
        ip_hostname: host,
        labels: `rack-${i % 40},bench`,
        max_simultaneous_sessions: '4',
      }
      switch (i % 3) {
        case 0:
          return {
            ...common,
            connection_type: 'KasmVNC',
            connection_credential_type: 'STATIC',
            port: '6901',
            connection_username: 'kasm_user',
            connection_password: `pw-${i}-secret`,
          }
        case 1:
          return {
            ...common,
            connection_type: 'RDP',
            connection_credential_type: 'STATIC',
            port: '3389',
            connection_username: `CORP\\user${i}`,
            connection_password: `Winpw-${i}!`,
          }
        default:
          return {
            ...common,
            connection_type: 'SSH',
            connection_credential_type: 'STATIC',
            port: '22',
            connection_username: 'ops',
            connection_password: `ssh-${i}`,
            connection_info: tmux,
          }
      }
    }),
  )
}

export function invalidCsv(n: number): string {
  return toCsv(
    Array.from({ length: n }, (_, i) => ({
      name: `broken-${i}`,
      zone_name: i % 2 ? 'default' : 'no-such-zone',
      connection_type: i % 5 ? 'SSH' : 'Telnet',
      connection_credential_type: 'STATIC',
      ip_hostname: `h${i}.example`,
      port: String(-i - 1),
      max_simultaneous_sessions: '0',
      connection_info: i % 7 ? '' : '{broken',
    })),
  )
}
