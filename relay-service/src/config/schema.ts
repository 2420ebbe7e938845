/**
 * The relay's whole configuration as one table: environment variable, type, default and
 * description. `loadConfig` validates against it at start; `docs/configuration.md` is
 * generated from it (npm run docs:config), so the README never drifts from the code.
 */
export type SettingType = 'string' | 'port' | 'int' | 'bool' | 'list' | 'duration-list' | 'duration' | 'size';

export interface SettingSpec {
  env: string;
  type: SettingType;
  /** Default as the operator would write it; undefined = no default (optional setting). */
  default?: string;
  description: string;
}

export const SETTINGS = {
  dataDir: { env: 'RELAY_DATA_DIR', type: 'string', default: './data', description: 'Folder for the embedded SQLite database, generated TLS certificate and other local state.' },
  databaseUrl: { env: 'RELAY_DATABASE_URL', type: 'string', description: 'Database URL. `postgres://user@host:5432/db` for PostgreSQL (several relay instances may share it); `sqlite:///path/relay.db` or unset for the embedded SQLite file `$RELAY_DATA_DIR/relay.db`.' },
  httpHost: { env: 'RELAY_HTTP_HOST', type: 'string', default: '0.0.0.0', description: 'Address the HTTP API listens on.' },
  httpPort: { env: 'RELAY_HTTP_PORT', type: 'port', default: '8025', description: 'Port of the HTTP API (send API, admin API, health checks). 0 picks a free port.' },
  smtpHost: { env: 'RELAY_SMTP_HOST', type: 'string', default: '0.0.0.0', description: 'Address the SMTP submission ports listen on.' },
  submissionPort: { env: 'RELAY_SUBMISSION_PORT', type: 'port', default: '587', description: 'SMTP submission port with STARTTLS (AUTH only after TLS). Empty disables it.' },
  smtpsPort: { env: 'RELAY_SMTPS_PORT', type: 'port', default: '465', description: 'SMTP submission port with implicit TLS. Empty disables it.' },
  inboundPort: { env: 'RELAY_INBOUND_PORT', type: 'port', default: '25', description: 'Inbound SMTP port for bounces (DSNs to VERP return-path addresses) and complaint reports (to RELAY_FEEDBACK_ADDRESS); every other recipient is refused with 550 5.7.1. The MX of each domain\'s return-path subdomain points here. Empty disables it.' },
  inboundMaxMessageSize: { env: 'RELAY_INBOUND_MAX_MESSAGE_SIZE', type: 'size', default: '10MB', description: 'Largest report accepted on the inbound port (a DSN that returns the whole original can be large).' },
  inboundRateLimit: { env: 'RELAY_INBOUND_RATE_LIMIT', type: 'int', default: '120', description: 'Messages per minute one IP address may send to the inbound port (bursts of the same size allowed); more get 451 4.7.1. 0 disables the limit.' },
  inboundMaxConnectionsPerIp: { env: 'RELAY_INBOUND_MAX_CONNECTIONS_PER_IP', type: 'int', default: '10', description: 'Simultaneous connections from one IP address to the inbound port; more get 421 4.7.0. 0 disables the limit.' },
  feedbackAddress: { env: 'RELAY_FEEDBACK_ADDRESS', type: 'string', description: 'Address that receives complaint reports (ARF, RFC 5965) from mailbox providers\' feedback loops; register it with them. Unset uses `fbl@` the inbound host.' },
  softBounceLimit: { env: 'RELAY_SOFT_BOUNCE_LIMIT', type: 'int', default: '3', description: 'Soft bounces (mailbox full, remote gave up, unknown permanent failure) of one address within RELAY_SOFT_BOUNCE_WINDOW that suppress it. 0 never suppresses on soft bounces.' },
  softBounceWindow: { env: 'RELAY_SOFT_BOUNCE_WINDOW', type: 'duration', default: '14d', description: 'Period over which soft bounces of one address are counted.' },
  hostname: { env: 'RELAY_HOSTNAME', type: 'string', default: 'localhost', description: 'The relay\'s host name: SMTP greeting, HELO towards MX hosts and Message-ID domain. Should match the PTR record of the sending IP.' },
  inboundHost: { env: 'RELAY_INBOUND_HOST', type: 'string', description: 'Host name that receives bounces: the MX target published for every domain\'s return-path subdomain. Unset uses RELAY_HOSTNAME.' },
  returnPathSubdomain: { env: 'RELAY_RETURN_PATH_SUBDOMAIN', type: 'string', default: 'rp', description: 'Default label of a new domain\'s return-path subdomain (`rp.shop.example`); a domain may choose another when it is added.' },
  dkimRetireGrace: { env: 'RELAY_DKIM_RETIRE_GRACE', type: 'duration', default: '7d', description: 'After a DKIM key rotation, how long the old key\'s DNS record must stay published (messages signed with it may still be in transit or re-verified).' },
  domainRecheckInterval: { env: 'RELAY_DOMAIN_RECHECK_INTERVAL', type: 'duration', default: '6h', description: 'How often every domain\'s DNS records are checked again in the background (a pending domain turns verified, a removed record is noticed).' },
  sendingIps: { env: 'RELAY_SENDING_IPS', type: 'list', description: 'The relay\'s outbound IP addresses, named in the SPF records it asks domains to publish (`ip4:`/`ip6:`).' },
  spfInclude: { env: 'RELAY_SPF_INCLUDE', type: 'string', description: 'A domain whose SPF record lists the relay\'s senders (`include:` in the records domains publish), e.g. `_spf.relay.example`. With neither this nor RELAY_SENDING_IPS the records name `a:RELAY_HOSTNAME`.' },
  publicUrl: { env: 'RELAY_PUBLIC_URL', type: 'string', default: 'http://localhost:8025', description: 'Public base URL of the HTTP API, used for tracking and one-click unsubscribe links (`<url>/unsubscribe/…`). Mailbox providers offer one-click unsubscribe (RFC 8058) only for https links; http is for development.' },
  webhookAllowPrivateNetworks: { env: 'RELAY_WEBHOOK_ALLOW_PRIVATE_NETWORKS', type: 'bool', default: 'false', description: 'Allow webhook URLs on loopback and private networks (needed when WordPress runs next to the relay). Link-local and metadata addresses stay refused.' },
  webhookRetrySchedule: { env: 'RELAY_WEBHOOK_RETRY_SCHEDULE', type: 'duration-list', default: '30s,1m,5m,15m,30m,1h', description: 'Delays between attempts of a failing webhook delivery; the last one repeats until RELAY_WEBHOOK_MAX_AGE.' },
  webhookMaxAge: { env: 'RELAY_WEBHOOK_MAX_AGE', type: 'duration', default: '24h', description: 'How long a webhook delivery is retried; an endpoint with no success in that time is disabled.' },
  webhookTimeout: { env: 'RELAY_WEBHOOK_TIMEOUT', type: 'duration', default: '10s', description: 'How long a webhook endpoint has to answer one delivery.' },
  trackingStoreIp: { env: 'RELAY_TRACKING_STORE_IP', type: 'bool', default: 'false', description: 'Keep the network part of the client address (/24 for IPv4, /48 for IPv6) on open and click events. Off: no address is stored.' },
  bodyRetention: { env: 'RELAY_BODY_RETENTION', type: 'duration', default: '30d', description: 'How long the content of a delivered (or bounced) message is kept; after that only its metadata, recipients and events remain.' },
  eventRetention: { env: 'RELAY_EVENT_RETENTION', type: 'duration', default: '90d', description: 'How long finished messages, their recipients, attempts and events are kept.' },
  tlsCertFile: { env: 'RELAY_TLS_CERT_FILE', type: 'string', description: 'PEM certificate (chain) for STARTTLS and port 465. When unset a self-signed pair is generated under the data folder, with a warning.' },
  tlsKeyFile: { env: 'RELAY_TLS_KEY_FILE', type: 'string', description: 'PEM private key matching RELAY_TLS_CERT_FILE.' },
  adminToken: { env: 'RELAY_ADMIN_TOKEN', type: 'string', description: 'Bearer token for the admin API. When unset one is generated, printed once and stored hashed under the data folder.' },
  secretKey: { env: 'RELAY_SECRET_KEY', type: 'string', description: 'Key (32 bytes, base64 or hex) that encrypts DKIM private keys at rest. When unset one is generated into `$RELAY_DATA_DIR/secret.key`; instances sharing a PostgreSQL database must all set the same value.' },
  dnsServers: { env: 'RELAY_DNS_SERVERS', type: 'list', description: 'Comma-separated resolvers (`ip` or `ip:port`) for MX and other lookups. Unset uses the system resolvers.' },
  mxPort: { env: 'RELAY_MX_PORT', type: 'port', default: '25', description: 'Port used when delivering to MX hosts.' },
  routes: { env: 'RELAY_ROUTES', type: 'list', description: 'Static transport routes `domain=host:port`, comma-separated; `*=host:port` sends everything through a smarthost. Routed domains skip MX lookup.' },
  retrySchedule: { env: 'RELAY_RETRY_SCHEDULE', type: 'duration-list', default: '5m,10m,30m,1h,2h,4h', description: 'Delays between delivery attempts after a temporary failure; the last one repeats until the maximum queue age.' },
  maxQueueAge: { env: 'RELAY_MAX_QUEUE_AGE', type: 'duration', default: '48h', description: 'A recipient still not delivered this long after acceptance bounces.' },
  maxMessageSize: { env: 'RELAY_MAX_MESSAGE_SIZE', type: 'size', default: '25MB', description: 'Largest accepted message (SMTP SIZE and HTTP body).' },
  maxRecipients: { env: 'RELAY_MAX_RECIPIENTS', type: 'int', default: '100', description: 'Most envelope recipients per message.' },
  deliveryConcurrency: { env: 'RELAY_DELIVERY_CONCURRENCY', type: 'int', default: '50', description: 'Deliveries in flight per relay process.' },
  bindAddresses: { env: 'RELAY_BIND_ADDRESSES', type: 'list', description: 'Source addresses accounts may send from, on hosts with several IPs: `ip=helo-name`, comma-separated (e.g. `203.0.113.5=mail1.example.net`). Each IP greets with its own name, which its PTR record must give. An account picks one with `PATCH /admin/accounts/:id {"bind_address"}`.' },
  domainRates: { env: 'RELAY_DOMAIN_RATES', type: 'list', description: 'Messages a minute per destination domain, `domain=N` comma-separated (e.g. `gmail.com=600,outlook.com=300`). A domain that answers "rate limited" is paused (1 min, doubling to 30) and slowed to half for 10 min either way.' },
  domainRateDefault: { env: 'RELAY_DOMAIN_RATE_DEFAULT', type: 'int', description: 'Messages a minute for destination domains not in RELAY_DOMAIN_RATES. Unset: no limit (the "slow down" backoff still applies).' },
  maxConnectionsPerHost: { env: 'RELAY_MAX_CONNECTIONS_PER_HOST', type: 'int', default: '5', description: 'Simultaneous connections to one MX host.' },
  leaseDuration: { env: 'RELAY_LEASE_DURATION', type: 'duration', default: '5m', description: 'How long a worker owns a claimed queue row; rows of a crashed worker come back after it.' },
  logLevel: { env: 'RELAY_LOG_LEVEL', type: 'string', default: 'info', description: 'pino log level: fatal, error, warn, info, debug, trace, silent.' },
} as const satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof SETTINGS;
