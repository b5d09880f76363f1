/**
 * The names and addresses the console server is reachable as, which are the only `Host` headers it
 * answers and the only page origins it lets open a WebSocket. A DNS-rebinding page reaches the
 * server under its own name, so its requests carry a foreign `Host` and are refused.
 */
import { type AddressInfo, isIP } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';

/** What `os.networkInterfaces()` returns. */
export type NetworkInterfaces = () => NodeJS.Dict<NetworkInterfaceInfo[]>;

/** Loopback names and addresses: always accepted, whatever address the server is bound to. */
const loopback = ['127.0.0.1', 'localhost', '[::1]'] as const;

/** An address as it appears in a URL's authority: IPv6 in brackets. */
function inUrl(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** Whether a `Host` (`host:port`) or an `Origin` (`scheme://host:port`) names an IP address, not a name. */
function namesAnAddress(value: string): boolean {
  const authority = value.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  if (authority.startsWith('[')) return isIP(authority.slice(1, authority.indexOf(']'))) === 6;
  const colon = authority.indexOf(':');
  return isIP(colon === -1 ? authority : authority.slice(0, colon)) === 4;
}

/**
 * The hosts (URL form, no port) a server bound to `address` is reachable as, and answers for.
 *
 * A wildcard bind (`0.0.0.0`, `::`) listens on every interface, so it is reachable at each
 * interface's address (IPv4 ones for `0.0.0.0`, all for `::`) and at the wildcard itself.
 */
export class ReachableHosts {
  readonly #address: AddressInfo;
  readonly #interfaces: NetworkInterfaces;
  /** Addresses of this machine's other interfaces that reach the server: what another machine opens. */
  #network: readonly string[] = [];
  #authorities: ReadonlySet<string> = new Set();
  #origins: ReadonlySet<string> = new Set();

  constructor(address: AddressInfo, interfaces: NetworkInterfaces) {
    this.#address = address;
    this.#interfaces = interfaces;
    this.#refresh();
  }

  /** The host to print: a loopback address for a wildcard bind (reachable from this machine). */
  get primary(): string {
    const { address } = this.#address;
    if (address === '0.0.0.0') return '127.0.0.1';
    if (address === '::') return '[::1]';
    return inUrl(address);
  }

  /** The hosts a page may be opened at, `primary` first, then the other machines' way in (LAN addresses). */
  get hosts(): readonly string[] {
    return [this.primary, ...this.#network.filter((h) => h !== this.primary)];
  }

  /** Whether a request's `Host` header names this server (case-insensitive, port included). */
  allowsHost(header: string | undefined): boolean {
    return header !== undefined && this.#knows(() => this.#authorities, header.toLowerCase());
  }

  /** Whether a page's `Origin` is one of this server's own pages. */
  allowsOrigin(origin: string): boolean {
    return this.#knows(() => this.#origins, origin.toLowerCase());
  }

  /**
   * Looks `value` up; on a miss with a wildcard bind, reads the interfaces again (one may have come
   * up), but only for an IP address: no interface has a name, so a foreign name is refused at once.
   */
  #knows(set: () => ReadonlySet<string>, value: string): boolean {
    if (set().has(value)) return true;
    if (!this.#wildcard || !namesAnAddress(value)) return false;
    this.#refresh();
    return set().has(value);
  }

  get #wildcard(): boolean {
    return this.#address.address === '0.0.0.0' || this.#address.address === '::';
  }

  #refresh(): void {
    const { address, port } = this.#address;
    const hosts = new Set<string>([...loopback, inUrl(address)]);
    const network: string[] = [];
    if (this.#wildcard) {
      let interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>;
      try {
        interfaces = this.#interfaces();
      } catch {
        // the system could not list them (this runs inside a request listener): keep what is known
        if (this.#authorities.size > 0) return;
        interfaces = {};
      }
      for (const list of Object.values(interfaces)) {
        for (const info of list ?? []) {
          if (address === '0.0.0.0' && info.family !== 'IPv4') continue;
          const host = inUrl(info.address.toLowerCase());
          hosts.add(host);
          // link-local IPv6 needs a zone id, which browsers do not take in a URL
          if (!info.internal && !host.startsWith('[fe80:')) network.push(host);
        }
      }
    } else if (!(loopback as readonly string[]).includes(inUrl(address))) {
      network.push(inUrl(address));
    }
    this.#network = network;
    const authorities = [...hosts].flatMap((h) => (port === 80 ? [`${h}:${port}`, h] : [`${h}:${port}`]));
    this.#authorities = new Set(authorities);
    this.#origins = new Set(authorities.map((a) => `http://${a}`));
  }
}
