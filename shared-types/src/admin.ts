import { z } from 'zod';
import { Timestamp, toAsciiDomain } from './fields.ts';
import { Tags } from './emails.ts';

/** Admin API (`RELAY_ADMIN_TOKEN`): accounts and the credentials and keys that belong to them. */

const DisplayName = z.string().trim().min(1, { message: 'must not be empty' }).max(100);

export const CreateAccountRequest = z.strictObject({
  name: DisplayName,
  /** Development accounts: may send from domains that are not verified yet; every send answer says so. */
  sandbox: z.boolean().optional(),
});

export const UpdateAccountRequest = z
  .strictObject({
    sandbox: z.boolean().optional(),
    /**
     * Tags of bulk (non-transactional) mail: a message with any of them carries one-click
     * unsubscribe headers (RFC 8058) unless its send says `"unsubscribe": false`. Replaces the list.
     */
    non_transactional_tags: Tags.optional(),
    /** Defaults for sends that do not choose: an open pixel, and click tracking of HTML links. */
    track_opens: z.boolean().optional(),
    track_clicks: z.boolean().optional(),
    /** Sending limits: messages a minute and a UTC day; null removes the limit. */
    rate_per_minute: z.number().int().min(1).max(1_000_000).nullable().optional(),
    daily_quota: z.number().int().min(1).max(100_000_000).nullable().optional(),
    /** Source address of the account's mail: one of the relay's RELAY_BIND_ADDRESSES, or null. */
    bind_address: z.string().min(2).max(64).nullable().optional(),
  })
  .refine((r) => Object.values(r).some((v) => v !== undefined), {
    message: 'give at least one of sandbox, non_transactional_tags, track_opens, track_clicks',
  });
export type UpdateAccountRequest = z.infer<typeof UpdateAccountRequest>;
export type CreateAccountRequest = z.infer<typeof CreateAccountRequest>;

export const Account = z.object({ id: z.string(), name: z.string(), sandbox: z.boolean(), non_transactional_tags: z.array(z.string()), track_opens: z.boolean(), track_clicks: z.boolean(), rate_per_minute: z.number().nullable(), daily_quota: z.number().nullable(), bind_address: z.string().nullable(), created_at: Timestamp });
export type Account = z.infer<typeof Account>;

/** Networks (CIDR) a credential may be used from; absent or null: anywhere. */
export const AllowedNetworks = z.array(z.string().min(1).max(64)).min(1).max(50).nullable();

export const CreateTokenRequest = z.strictObject({ name: DisplayName, allowed_networks: AllowedNetworks.optional() });

export const UpdateCredentialRequest = z.strictObject({ allowed_networks: AllowedNetworks });
export type UpdateCredentialRequest = z.infer<typeof UpdateCredentialRequest>;
export type CreateTokenRequest = z.infer<typeof CreateTokenRequest>;

export const CreateTokenResponse = z.object({
  id: z.string(),
  /** The whole token; only its hash is stored, so this is the one time it is shown. */
  token: z.string(),
  /** The first characters, kept in clear so a token can be recognised in lists and logs. */
  prefix: z.string(),
});
export type CreateTokenResponse = z.infer<typeof CreateTokenResponse>;

export const CreateSmtpUserRequest = z.strictObject({
  username: z
    .string()
    .regex(/^[A-Za-z0-9._@+-]+$/, { message: 'must be letters, digits, ".", "_", "@", "+" or "-"' })
    .min(3)
    .max(64)
    .optional(),
  allowed_networks: AllowedNetworks.optional(),
});
export type CreateSmtpUserRequest = z.infer<typeof CreateSmtpUserRequest>;

export const CreateSmtpUserResponse = z.object({
  id: z.string(),
  username: z.string(),
  /** Shown once; only a hash is stored. */
  password: z.string(),
});
export type CreateSmtpUserResponse = z.infer<typeof CreateSmtpUserResponse>;

export const CreateTrustedNetworkRequest = z.strictObject({
  /** `10.0.0.0/8`, `2001:db8::/32` or one address; the relay checks the notation itself. */
  cidr: z.string().trim().min(1, { message: 'must not be empty' }).max(64),
  note: z.string().trim().max(200).optional(),
});
export type CreateTrustedNetworkRequest = z.infer<typeof CreateTrustedNetworkRequest>;

export const TrustedNetwork = z.object({ id: z.string(), cidr: z.string(), note: z.string().nullable(), created_at: Timestamp });
export type TrustedNetwork = z.infer<typeof TrustedNetwork>;

export const DkimAlgorithm = z.enum(['rsa', 'ed25519']);
export type DkimAlgorithm = z.infer<typeof DkimAlgorithm>;

export const SetDkimKeyRequest = z.strictObject({
  domain: z.string().refine((d) => toAsciiDomain(d) !== null, { message: 'must be a domain name' }),
  /** A DNS label: it becomes `<selector>._domainkey.<domain>`. */
  selector: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/, { message: 'must be a single DNS label' }),
  /** PKCS#8 or PKCS#1 PEM; a key pair is generated when absent. */
  private_key_pem: z.string().min(1).max(10_000).optional(),
  algorithm: DkimAlgorithm.default('rsa'),
});
export type SetDkimKeyRequest = z.infer<typeof SetDkimKeyRequest>;

export const DnsTxtRecord = z.object({ name: z.string(), type: z.literal('TXT'), value: z.string() });
export type DnsTxtRecord = z.infer<typeof DnsTxtRecord>;

export const DkimKeyResponse = z.object({
  domain: z.string(),
  selector: z.string(),
  algorithm: DkimAlgorithm,
  dns_record: DnsTxtRecord,
});
export type DkimKeyResponse = z.infer<typeof DkimKeyResponse>;
