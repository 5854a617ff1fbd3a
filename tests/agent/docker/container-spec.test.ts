// The Engine API body for Kasm Run Configs. Privileged mode, GPU device requests, the nvidia
// runtime and capabilities outside this sandbox's bounding set (SYS_RESOURCE, ALL) cannot run on
// this machine (no GPU, and runc fails with "unable to apply caps"), so their mapping is tested
// here rather than their effect. The VPN example (NET_ADMIN, /dev/net/tun, the IPv6 sysctl) does
// run here and is also started for real in isolation.test.ts.
import { describe, expect, it } from 'vitest'
import { containerCreateOptions, profileHostPath } from '../../../agent/src/docker/container-spec'
import { parseByteSize } from '../../../agent/src/docker/byte-size'
import { splitShellWords } from '../../../agent/src/docker/shell-words'
import { aSessionSpec } from './docker-env'

const MiB = 1024 ** 2
const spec = aSessionSpec({
  kasmId: 'k-1',
  userId: 'u-1',
  username: 'alice',
  imageId: 'i-1',
  agentId: 'a-1',
  cores: 1.5,
  memoryBytes: 2048 * MiB,
  vncPassword: 'pw',
})
const ourLabels = {
  'oriel.kasm_id': 'k-1',
  'oriel.user_id': 'u-1',
  'oriel.image_id': 'i-1',
  'oriel.agent_id': 'a-1',
  'oriel.managed': 'true',
}

describe('containerCreateOptions', () => {
  it('maps the seed Run Config examples (VPN, shared folder, GPU runtime) to Engine API 1.41 fields', () => {
    const body = containerCreateOptions(
      {
        ...spec,
        runConfig: {
          cap_add: ['NET_ADMIN'],
          devices: ['/dev/net/tun:/dev/net/tun'],
          sysctls: { 'net.ipv6.conf.all.disable_ipv6': '0' },
          volumes: { '/host/shared': { bind: '/home/kasm-user/shared', mode: 'rw' } },
          environment: { NVIDIA_VISIBLE_DEVICES: 'all', NVIDIA_DRIVER_CAPABILITIES: 'all' },
          runtime: 'nvidia',
        },
        persistentProfilePath: '/mnt/kasm_profiles/{username}',
      },
      { network: 'oriel-sessions', name: 'oriel-k-1' },
    )
    expect(body).toEqual({
      name: 'oriel-k-1',
      Image: spec.image,
      Env: ['NVIDIA_VISIBLE_DEVICES=all', 'NVIDIA_DRIVER_CAPABILITIES=all', 'VNC_PW=pw'],
      Labels: ourLabels,
      HostConfig: {
        NetworkMode: 'oriel-sessions',
        Init: true,
        ShmSize: 512 * MiB,
        NanoCpus: 1_500_000_000,
        Memory: 2048 * MiB,
        MemorySwap: 2048 * MiB,
        CapAdd: ['NET_ADMIN'],
        Devices: [{ PathOnHost: '/dev/net/tun', PathInContainer: '/dev/net/tun', CgroupPermissions: 'rwm' }],
        Sysctls: { 'net.ipv6.conf.all.disable_ipv6': '0' },
        Runtime: 'nvidia',
        Binds: ['/host/shared:/home/kasm-user/shared:rw', '/mnt/kasm_profiles/alice:/home/kasm-user:rw'],
      },
    })
    expect(body.HostConfig).not.toHaveProperty('PortBindings')
    expect(body).not.toHaveProperty('ExposedPorts')
  })

  it('maps gpuCount and privileged to a device request and Privileged', () => {
    const body = containerCreateOptions({ ...spec, gpuCount: 2, runConfig: { privileged: true } }, { network: 'n' })
    expect(body.HostConfig).toEqual({
      NetworkMode: 'n',
      Init: true,
      ShmSize: 512 * MiB,
      NanoCpus: 1_500_000_000,
      Memory: 2048 * MiB,
      MemorySwap: 2048 * MiB,
      DeviceRequests: [{ Driver: 'nvidia', Count: 2, Capabilities: [['gpu']] }],
      Privileged: true,
    })
    expect(body).not.toHaveProperty('name')
  })

  it('maps every other docker-py key, in its docker-py shapes', () => {
    const body = containerCreateOptions(
      {
        ...spec,
        cores: 0,
        memoryBytes: 0,
        runConfig: {
          environment: ['LANG=de_DE.UTF-8', 'VNC_PW=not-yours', 'BARE'],
          volumes: ['/srv/data:/data:ro'],
          devices: ['/dev/fuse', '/dev/snd:/dev/snd2:rw'],
          cap_drop: ['ALL'],
          sysctls: { 'net.ipv4.ip_unprivileged_port_start': 0 },
          security_opt: ['no-new-privileges'],
          shm_size: '1g',
          user: '1000:1000',
          hostname: 'desk',
          labels: { team: 'blue', 'oriel.agent_id': 'spoofed' },
          entrypoint: '/bin/sh -c "echo hi there"',
          command: ['--flag', 'x y'],
          working_dir: '/tmp',
          dns: ['1.1.1.1'],
          dns_search: ['corp.example'],
          extra_hosts: { 'db.local': '10.0.0.5' },
          group_add: ['audio'],
          init: false,
          read_only: true,
          tmpfs: ['/run:size=64m', '/scratch'],
          ulimits: [{ name: 'nofile', soft: 1024, hard: 4096 }],
          pids_limit: 512,
          oom_kill_disable: true,
          storage_opt: { size: '2G' },
        },
        volumeMappings: { '/mnt/share': { bind: '/share', mode: 'ro', uid: 1000, required: true } },
      },
      { network: 'n' },
    )
    expect(body).toEqual({
      Image: spec.image,
      User: '1000:1000',
      Hostname: 'desk',
      Entrypoint: ['/bin/sh', '-c', 'echo hi there'],
      Cmd: ['--flag', 'x y'],
      WorkingDir: '/tmp',
      // The run config cannot replace the session's VNC password.
      Env: ['LANG=de_DE.UTF-8', 'VNC_PW=pw', 'BARE'],
      Labels: { team: 'blue', ...ourLabels },
      HostConfig: {
        NetworkMode: 'n',
        Init: false,
        ShmSize: 1024 * MiB,
        Devices: [
          { PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' },
          { PathOnHost: '/dev/snd', PathInContainer: '/dev/snd2', CgroupPermissions: 'rw' },
        ],
        CapDrop: ['ALL'],
        Sysctls: { 'net.ipv4.ip_unprivileged_port_start': '0' },
        SecurityOpt: ['no-new-privileges'],
        Dns: ['1.1.1.1'],
        DnsSearch: ['corp.example'],
        ExtraHosts: ['db.local:10.0.0.5'],
        GroupAdd: ['audio'],
        ReadonlyRootfs: true,
        Tmpfs: { '/run': 'size=64m', '/scratch': '' },
        Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 4096 }],
        PidsLimit: 512,
        OomKillDisable: true,
        StorageOpt: { size: '2G' },
        Binds: ['/srv/data:/data:ro', '/mnt/share:/share:ro'],
      },
    })
  })

  it('throws on keys the schema does not know, naming them', () => {
    expect(() => containerCreateOptions({ ...spec, runConfig: { network_mode: 'host' } }, { network: 'n' })).toThrow(/network_mode/)
    expect(() => containerCreateOptions({ ...spec, runConfig: { pid_mode: 'host' } }, { network: 'n' })).toThrow(/invalid run_config/)
  })

  it('throws on malformed values instead of sending the Engine a body it answers with a 500', () => {
    const bad = (runConfig: Record<string, unknown>) => () => containerCreateOptions({ ...spec, runConfig }, { network: 'n' })
    expect(bad({ shm_size: '512 megs' })).toThrow(/shm_size/)
    expect(bad({ devices: ['/a:/b:rwm:extra'] })).toThrow(/devices/)
    expect(bad({ volumes: ['/just-one-path'] })).toThrow(/volumes/)
    expect(bad({ sysctls: { a: true } })).toThrow(/sysctls/)
    // Lists that valibot's record() would silently turn into {"0": …} maps.
    expect(bad({ sysctls: ['net.ipv4.ip_forward=1'] })).toThrow(/sysctls: a list is not accepted/)
    expect(bad({ labels: ['a'] })).toThrow(/labels: a list is not accepted/)
    expect(bad({ environment: [1, 2] })).toThrow(/environment: must be a list of strings/)
    expect(bad({ volumes: [{ bind: '/x' }] })).toThrow(/volumes: must be a list of strings/)
  })

  it('refuses two mounts on one container path', () => {
    expect(() =>
      containerCreateOptions(
        { ...spec, persistentProfilePath: '/p/{username}', runConfig: { volumes: { '/x': { bind: '/home/kasm-user/' } } } },
        { network: 'n' },
      ),
    ).toThrow(/two mounts target \/home\/kasm-user/)
  })
})

describe('launch options', () => {
  const envOf = (body: { Env?: string[] }) =>
    Object.fromEntries((body.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]))
  const create = (more: Partial<typeof spec>) => containerCreateOptions({ ...spec, ...more }, { network: 'n' })

  it('layers the workspace’s variables, the launch’s named options, the launch’s environment, then the agent’s', () => {
    const body = create({
      runConfig: {
        environment: { SHARED: 'workspace', ONLY_WORKSPACE: '1', LANG: 'C.UTF-8', TZ: 'UTC', KASM_URL: 'https://workspace.example/' },
      },
      clientLanguage: 'pt_BR',
      clientTimezone: 'Europe/Paris',
      kasmUrl: 'https://launch.example/start',
      environment: { SHARED: 'launch', ONLY_LAUNCH: 'a=b c', VNC_PW: 'stolen' },
    })
    expect(envOf(body)).toEqual({
      SHARED: 'launch',
      ONLY_WORKSPACE: '1',
      ONLY_LAUNCH: 'a=b c',
      LANG: 'pt_BR.UTF-8',
      LANGUAGE: 'pt_BR:pt',
      LC_ALL: 'pt_BR.UTF-8',
      TZ: 'Europe/Paris',
      KASM_URL: 'https://launch.example/start',
      // Whatever the launch sends, the session's VNC password is the agent's.
      VNC_PW: 'pw',
    })
    expect(body.Env!.filter((e) => e.startsWith('VNC_PW='))).toEqual(['VNC_PW=pw'])
    // The launch's own environment is the most explicit statement and wins over its named options.
    expect(envOf(create({ clientTimezone: 'Europe/Paris', environment: { TZ: 'Asia/Tokyo' } })).TZ).toBe('Asia/Tokyo')
  })

  it('turns a browser language into Kasm’s UTF-8 locale, filling in the likely region', () => {
    const locale = (clientLanguage: string) => {
      const { LANG, LANGUAGE, LC_ALL } = envOf(create({ clientLanguage }))
      return { LANG, LANGUAGE, LC_ALL }
    }
    expect(locale('en-US')).toEqual({ LANG: 'en_US.UTF-8', LANGUAGE: 'en_US:en', LC_ALL: 'en_US.UTF-8' })
    expect(locale('de')).toEqual({ LANG: 'de_DE.UTF-8', LANGUAGE: 'de_DE:de', LC_ALL: 'de_DE.UTF-8' })
    expect(locale('zh-Hant-TW').LANG).toBe('zh_TW.UTF-8')
    expect(locale('es-419').LANG).toBe('es_ES.UTF-8')
    expect(locale('eo')).toEqual({ LANG: 'eo.UTF-8', LANGUAGE: 'eo', LC_ALL: 'eo.UTF-8' })
  })

  it('adds nothing when the launch names no options', () => {
    expect(create({}).Env).toEqual(['VNC_PW=pw'])
  })

  it('binds the profile when Enabled or Reset, and leaves it out when Disabled', () => {
    const binds = (profileMode: typeof spec.profileMode) =>
      create({ persistentProfilePath: '/p/{username}', profileMode }).HostConfig?.Binds
    expect(binds('Enabled')).toEqual(['/p/alice:/home/kasm-user:rw'])
    expect(binds('Reset')).toEqual(['/p/alice:/home/kasm-user:rw'])
    expect(binds('Disabled')).toBeUndefined()
  })
})

describe('profileHostPath', () => {
  const path = (persistentProfilePath: string | null, more: Partial<typeof spec> = {}) =>
    profileHostPath({ ...spec, ...more, persistentProfilePath })

  it('substitutes the placeholders', () => {
    expect(path('/mnt/kasm_profiles/{username}/{image_id}/{user_id}')).toBe('/mnt/kasm_profiles/alice/i-1/u-1')
    expect(path(null)).toBeNull()
    expect(path('  ')).toBeNull()
  })

  it('keeps a username inside its own folder and distinct from every other username', () => {
    expect(path('/p/{username}', { username: 'a/b' })).toBe('/p/a%2Fb')
    expect(path('/p/{username}', { username: 'a%2Fb' })).toBe('/p/a%252Fb')
    expect(path('/p/{username}', { username: '..' })).toBe('/p/%2E%2E')
    expect(path('/p/{username}', { username: '.' })).toBe('/p/%2E')
    expect(path('/p/{username}', { username: '../../etc' })).toBe('/p/..%2F..%2Fetc')
    expect(path('/p/{username}', { username: 'jürgen@corp.example' })).toBe('/p/j%C3%BCrgen@corp.example')
  })

  it('rejects templates that are relative, escape with "..", or use unknown placeholders', () => {
    expect(() => path('profiles/{username}')).toThrow(/absolute/)
    expect(() => path('/p/../etc/{username}')).toThrow(/not a safe/)
    expect(() => path('/p/{username}/..')).toThrow(/not a safe/)
    expect(() => path('/p/{group}')).toThrow(/unknown placeholder \{group\}/)
    expect(() => path('/p/{username}', { username: '' })).toThrow(/empty/)
  })
})

describe('docker-py value parsing', () => {
  it('parses sizes in powers of 1024', () => {
    expect(parseByteSize('512m')).toBe(512 * MiB)
    expect(parseByteSize('2G')).toBe(2048 * MiB)
    expect(parseByteSize('64k')).toBe(65536)
    expect(parseByteSize('100')).toBe(100)
    expect(parseByteSize(4096)).toBe(4096)
    expect(() => parseByteSize('1.5g')).toThrow()
  })

  it('splits command strings like shlex', () => {
    expect(splitShellWords(`/bin/sh -c 'echo "a b"' x\\ y "q\\"q"`)).toEqual(['/bin/sh', '-c', 'echo "a b"', 'x y', 'q"q'])
    expect(splitShellWords(`  a   ''  b `)).toEqual(['a', '', 'b'])
    expect(() => splitShellWords(`echo 'open`)).toThrow(/unterminated/)
  })
})
