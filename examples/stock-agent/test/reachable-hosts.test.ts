import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ReachableHosts } from '../src/web/reachable-hosts.js';

const nic = (address: string, family: 'IPv4' | 'IPv6', internal = false) =>
  ({ address, family, internal }) as NetworkInterfaceInfo;

const machine = () => ({
  lo: [nic('127.0.0.1', 'IPv4', true), nic('::1', 'IPv6', true)],
  eth0: [nic('192.0.2.7', 'IPv4'), nic('2001:db8::7', 'IPv6'), nic('fe80::7', 'IPv6')],
});

const bound = (address: string, port = 8787) => ({
  address,
  port,
  family: address.includes(':') ? 'IPv6' : 'IPv4',
});

describe('ReachableHosts', () => {
  it('on a loopback bind, answers the loopback names with the port only', () => {
    const hosts = new ReachableHosts(bound('127.0.0.1'), machine);
    expect(hosts.hosts).toEqual(['127.0.0.1']);
    for (const h of ['127.0.0.1:8787', 'localhost:8787', 'LocalHost:8787', '[::1]:8787']) {
      expect(hosts.allowsHost(h)).toBe(true);
    }
    for (const h of ['192.0.2.7:8787', 'localhost', 'localhost:80', 'evil.example:8787', '', undefined]) {
      expect(hosts.allowsHost(h)).toBe(false);
    }
    expect(hosts.allowsOrigin('http://localhost:8787')).toBe(true);
    expect(hosts.allowsOrigin('https://localhost:8787')).toBe(false);
  });

  it('on 0.0.0.0, answers every IPv4 address and prints the non-internal ones', () => {
    const hosts = new ReachableHosts(bound('0.0.0.0'), machine);
    expect(hosts.hosts).toEqual(['127.0.0.1', '192.0.2.7']);
    expect(hosts.allowsHost('192.0.2.7:8787')).toBe(true);
    expect(hosts.allowsHost('0.0.0.0:8787')).toBe(true);
    expect(hosts.allowsHost('[2001:db8::7]:8787')).toBe(false);
    expect(hosts.allowsOrigin('http://192.0.2.7:8787')).toBe(true);
  });

  it('on ::, answers IPv6 addresses too, and prints no link-local one', () => {
    const hosts = new ReachableHosts(bound('::'), machine);
    expect(hosts.hosts).toEqual(['[::1]', '192.0.2.7', '[2001:db8::7]']);
    expect(hosts.allowsHost('[2001:db8::7]:8787')).toBe(true);
    expect(hosts.allowsHost('[fe80::7]:8787')).toBe(true);
  });

  it('reads the interfaces again when an unknown host arrives on a wildcard bind', () => {
    let interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = machine();
    const hosts = new ReachableHosts(bound('0.0.0.0'), () => interfaces);
    expect(hosts.allowsHost('198.51.100.3:8787')).toBe(false);
    interfaces = { ...machine(), wlan0: [nic('198.51.100.3', 'IPv4')] };
    expect(hosts.allowsHost('198.51.100.3:8787')).toBe(true);
  });

  it('on a wildcard bind, does not read the interfaces again for a host name no interface can have', () => {
    let reads = 0;
    const hosts = new ReachableHosts(bound('0.0.0.0'), () => {
      reads += 1;
      return machine();
    });
    const before = reads;
    expect(hosts.allowsHost('evil.example:8787')).toBe(false);
    expect(hosts.allowsOrigin('http://evil.example:8787')).toBe(false);
    expect(hosts.allowsHost('0x7f.1:8787')).toBe(false);
    expect(reads).toBe(before);
    expect(hosts.allowsHost('198.51.100.3:8787')).toBe(false);
    expect(hosts.allowsOrigin('http://[2001:db8::9]:8787')).toBe(false);
    expect(reads).toBe(before + 2);
  });

  it('keeps the hosts it knows when reading the interfaces fails, and never throws', () => {
    let fail = false;
    const hosts = new ReachableHosts(bound('0.0.0.0'), () => {
      if (fail) throw Object.assign(new Error('uv_interface_addresses failed'), { code: 'ERR_SYSTEM_ERROR' });
      return machine();
    });
    fail = true;
    expect(hosts.allowsHost('198.51.100.3:8787')).toBe(false);
    expect(hosts.allowsHost('192.0.2.7:8787')).toBe(true);
    expect(hosts.hosts).toEqual(['127.0.0.1', '192.0.2.7']);
    const failing = new ReachableHosts(bound('::'), () => {
      throw new Error('uv_interface_addresses failed');
    });
    expect(failing.allowsHost('[::1]:8787')).toBe(true);
    expect(failing.allowsHost('[2001:db8::7]:8787')).toBe(false);
  });

  it('on port 80, also answers a Host and an Origin without the port', () => {
    const hosts = new ReachableHosts(bound('127.0.0.1', 80), machine);
    expect(hosts.allowsHost('localhost')).toBe(true);
    expect(hosts.allowsOrigin('http://localhost')).toBe(true);
  });
});
