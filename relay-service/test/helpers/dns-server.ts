import type { Socket } from 'node:net';

import dns2 from 'dns2';

/**
 * A real DNS server on 127.0.0.1 (UDP and TCP on one OS-chosen port) answering from a
 * declarative zone, so delivery code runs its real resolver against answers a test controls.
 */

export interface ZoneEntry {
  MX?: { exchange: string; priority: number }[];
  A?: string[];
  AAAA?: string[];
  /** A string is one character-string; an array is one record of several strings. */
  TXT?: (string | string[])[];
  /** An alias: answered to CNAME questions. */
  CNAME?: string;
  /** Answer SERVFAIL to every query for this name. */
  servfail?: boolean;
  /** Never answer queries for this name: the resolver times out. */
  drop?: boolean;
}

export type Zone = Record<string, ZoneEntry>;

export interface TestDnsServer {
  /** `127.0.0.1:PORT`, what createDnsResolver and RELAY_DNS_SERVERS take. */
  address: string;
  port: number;
  /** Replaces the whole zone. */
  setZone(zone: Zone): void;
  /** Replaces (or with undefined, removes) one name. */
  setName(name: string, entry: ZoneEntry | undefined): void;
  /** Every question asked so far, as `name/TYPE`, to check what was (not) looked up. */
  queries: string[];
  close(): Promise<void>;
}

const { Packet } = dns2;
const TTL = 60;

function normalize(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function answersFor(name: string, type: number, entry: ZoneEntry): object[] {
  const base = { name, class: Packet.CLASS.IN, ttl: TTL, type };
  switch (type) {
    case Packet.TYPE.A:
      return (entry.A ?? []).map((address) => ({ ...base, address }));
    case Packet.TYPE.AAAA:
      return (entry.AAAA ?? []).map((address) => ({ ...base, address }));
    case Packet.TYPE.MX:
      return (entry.MX ?? []).map((mx) => ({ ...base, exchange: mx.exchange, priority: mx.priority }));
    case Packet.TYPE.TXT:
      return (entry.TXT ?? []).map((data) => ({ ...base, data }));
    case Packet.TYPE.CNAME:
      return entry.CNAME ? [{ ...base, domain: entry.CNAME }] : [];
    default:
      return [];
  }
}

export async function startDnsServer(initial: Zone = {}): Promise<TestDnsServer> {
  let zone = new Map<string, ZoneEntry>();
  const setZone = (next: Zone) => {
    zone = new Map(Object.entries(next).map(([name, entry]) => [normalize(name), entry]));
  };
  setZone(initial);
  const queries: string[] = [];

  const handle: dns2.DnsHandler = (request, send) => {
    const [question] = request.questions;
    const response = Packet.createResponseFromRequest(request);
    if (!question) {
      void send(response);
      return;
    }
    const name = normalize(question.name);
    queries.push(`${name}/${Packet.typeName(question.type)}`);
    const entry = zone.get(name);
    if (entry?.drop) return;
    if (!entry) {
      response.header.rcode = Packet.RCODE.NXDOMAIN;
    } else if (entry.servfail) {
      response.header.rcode = Packet.RCODE.SERVFAIL;
    } else {
      // A known name without records of the asked type: NOERROR with no answers (NODATA).
      response.header.aa = 1;
      response.answers.push(...(answersFor(question.name, question.type, entry) as dns2.Packet.Resource[]));
    }
    void send(response);
  };

  // c-ares retries over TCP on truncation, so TCP must share the UDP port. The OS picks a
  // free UDP port, which may be taken for TCP: then both are released and another is tried
  // (a failed attempt must not leave the UDP socket open, or the test process never exits).
  const sockets = new Set<Socket>();
  let udp: ReturnType<typeof dns2.createUDPServer> | undefined;
  let tcp: ReturnType<typeof dns2.createTCPServer> | undefined;
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    const u = dns2.createUDPServer(handle);
    await u.listen(0, '127.0.0.1');
    port = u.address().port;
    const t = dns2.createTCPServer(handle);
    try {
      await new Promise<void>((resolve, reject) => {
        t.once('error', reject);
        t.listen(port, '127.0.0.1', () => resolve());
      });
      udp = u;
      tcp = t;
      break;
    } catch (err) {
      await new Promise<void>((resolve) => u.close(() => resolve()));
      if (attempt >= 20) throw err;
    }
  }
  tcp.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  return {
    address: `127.0.0.1:${port}`,
    port,
    setZone,
    setName(name, entry) {
      if (entry) zone.set(normalize(name), entry);
      else zone.delete(normalize(name));
    },
    queries,
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all([
        new Promise<void>((resolve) => udp!.close(() => resolve())),
        new Promise<void>((resolve) => tcp!.close(() => resolve())),
      ]);
    },
  };
}
