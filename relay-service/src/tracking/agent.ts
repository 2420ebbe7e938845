import { addressBytes } from '../net/cidr.ts';

/**
 * Who fetched a pixel or followed a link, as far as the request tells. Mail privacy proxies
 * and security scanners fetch images and follow links on their own, often within seconds of
 * delivery; their opens and clicks are recorded but flagged `machine`, so rates can leave
 * them out. A heuristic: the user-agent class, the HTTP method and the time since delivery.
 */
export type AgentClass = 'mail_client' | 'browser' | 'proxy' | 'scanner' | 'bot' | 'unknown';

const RULES: [RegExp, AgentClass][] = [
  [/GoogleImageProxy|YahooMailProxy|ggpht\.com|Outlook-iOS-Android|Front\/|via ggpht/i, 'proxy'],
  [/Barracuda|Mimecast|Proofpoint|Symantec|Trend ?Micro|Forcepoint|Sophos|SafeLinks|Office Protocol Discovery|Cisco|FireEye|urlscan|Zscaler|Check ?Point|Fortinet|Cloudmark/i, 'scanner'],
  [/bot\b|bot\/|crawler|spider|curl\/|wget|python-requests|Go-http-client|HeadlessChrome|PhantomJS|Java\/|libwww|okhttp/i, 'bot'],
  [/Thunderbird|Microsoft Outlook|MSOffice|Outlook\/|AppleMail|Apple Mail|\bMail\/\d|Postbox|eM Client|Airmail|Spark\//i, 'mail_client'],
  [/Mozilla\/|Chrome\/|Safari\/|Firefox\/|Edg\//i, 'browser'],
];

export function agentClass(userAgent: string | undefined): AgentClass {
  if (!userAgent) return 'unknown';
  return RULES.find(([pattern]) => pattern.test(userAgent))?.[1] ?? 'unknown';
}

/** Opens this soon after delivery are prefetches (Apple Mail Privacy Protection and the like). */
export const MACHINE_OPEN_WINDOW_MS = 5_000;
/** Clicks this soon after delivery are link scanners: no reader clicks that fast. */
export const MACHINE_CLICK_WINDOW_MS = 10_000;

export function isMachine(input: { kind: 'open' | 'click'; agent: AgentClass; method: string; msSinceDelivery: number | null }): boolean {
  if (input.method === 'HEAD') return true;
  if (input.agent === 'scanner' || input.agent === 'bot') return true;
  if (input.msSinceDelivery === null) return false;
  return input.msSinceDelivery < (input.kind === 'open' ? MACHINE_OPEN_WINDOW_MS : MACHINE_CLICK_WINDOW_MS);
}

/** An IP kept only when the operator enables it, and then only its network part (/24, /48). */
export function truncateIp(address: string): string | null {
  const bytes = addressBytes(address);
  if (!bytes) return null;
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.0`;
  const groups = [0, 2, 4].map((i) => ((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return `${groups.join(':')}::`;
}
