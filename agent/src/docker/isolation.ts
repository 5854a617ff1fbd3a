// Host firewall for the session bridge.
//
// Docker's enable_icc=false stops sessions reaching each other, but Docker filters FORWARD only:
// a session container can still open any host service bound to 0.0.0.0 (or to the host's own
// IPs) through the bridge gateway, because those packets go to INPUT (docs/security.md#agent-isolation).
// These rules drop everything arriving on the bridge for the host itself, except replies to
// connections the host opened (the agent's RFB relay to <container IP>:5901). Forwarded traffic
// (egress through Docker's MASQUERADE) never passes INPUT, so it is untouched.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** Runs one iptables-style command and returns its stdout; rejects on a non-zero exit. Swappable in unit tests. */
export type FirewallRunner = (bin: string, args: string[]) => Promise<string>

const defaultRunner: FirewallRunner = async (bin, args) => {
  // -w: wait for the xtables lock instead of failing while dockerd edits its own rules.
  const { stdout } = await run(bin, ['-w', ...args])
  return stdout
}

export type IsolationOptions = { runner?: FirewallRunner; ipv6?: boolean }

/** Our per-bridge chain; xtables chain names are at most 28 characters (9 + 15 here). */
export const isolationChain = (bridge: string) => `ORIEL-IN-${bridge}`

/** The rules of a bridge's chain, in order. Anything else in the chain means it gets rebuilt. */
const CHAIN_RULES = [
  ['-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'],
  ['-j', 'DROP'],
]

/**
 * Makes sure packets from `bridge` to the host are dropped (idempotent; safe to call on every agent
 * start, since the rules do not survive a host reboot). IPv6 is covered too: the bridge has a
 * link-local address, so a session that enables IPv6 could otherwise reach services on [::].
 */
export async function isolateSessionBridge(bridge: string, opts: IsolationOptions = {}): Promise<void> {
  assertBridgeName(bridge)
  const runner = opts.runner ?? defaultRunner
  for (const bin of binaries(opts)) {
    const chain = isolationChain(bridge)
    if (!(await succeeds(runner, bin, ['-S', chain]))) await ignoreExists(runner(bin, ['-N', chain]))
    if (!(await chainIsExactly(runner, bin, chain))) {
      // Rebuilt only when it differs. On a fresh host the INPUT jump is added afterwards, so the chain
      // is complete before it is live; repairing a live chain leaves it empty for a few microseconds.
      await runner(bin, ['-F', chain])
      for (const rule of CHAIN_RULES) await runner(bin, ['-A', chain, ...rule])
    }
    const jump = ['INPUT', '-i', bridge, '-j', chain]
    if (!(await succeeds(runner, bin, ['-C', ...jump]))) await runner(bin, ['-I', jump[0]!, '1', ...jump.slice(1)])
  }
}

/** Removes a bridge's rules (idempotent); used when its session network is deleted. */
export async function removeIsolation(bridge: string, opts: IsolationOptions = {}): Promise<void> {
  assertBridgeName(bridge)
  const runner = opts.runner ?? defaultRunner
  for (const bin of binaries(opts)) {
    const chain = isolationChain(bridge)
    const jump = ['INPUT', '-i', bridge, '-j', chain]
    while (await succeeds(runner, bin, ['-C', ...jump])) await runner(bin, ['-D', ...jump])
    if (await succeeds(runner, bin, ['-S', chain])) {
      await runner(bin, ['-F', chain])
      await runner(bin, ['-X', chain])
    }
  }
}

/** Linux interface names are at most 15 bytes; the name also lands in argv, so keep it plain. */
function assertBridgeName(bridge: string): void {
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(bridge)) throw new Error(`"${bridge}" is not a valid bridge name`)
}

function binaries(opts: IsolationOptions): string[] {
  // Without kernel IPv6 there is no IPv6 path to the host, and ip6tables would only fail.
  const ipv6 = opts.ipv6 ?? existsSync('/proc/net/if_inet6')
  return ipv6 ? ['iptables', 'ip6tables'] : ['iptables']
}

/** Compares `-S` output, which iptables prints canonically (e.g. "RELATED,ESTABLISHED" in that order). */
async function chainIsExactly(runner: FirewallRunner, bin: string, chain: string): Promise<boolean> {
  const rules = (await runner(bin, ['-S', chain])).split('\n').filter((l) => l.startsWith('-A '))
  const wanted = CHAIN_RULES.map((r) => ['-A', chain, ...r].join(' '))
  return rules.length === wanted.length && rules.every((l, i) => l.trim() === wanted[i])
}

async function succeeds(runner: FirewallRunner, bin: string, args: string[]): Promise<boolean> {
  try {
    await runner(bin, args)
    return true
  } catch {
    return false
  }
}

async function ignoreExists(p: Promise<string>): Promise<void> {
  // Two agents (or an agent and a test) creating the chain at once: the loser sees "Chain already exists".
  try {
    await p
  } catch (err) {
    if (!/exists/i.test(String((err as { stderr?: string }).stderr ?? err))) throw err
  }
}
