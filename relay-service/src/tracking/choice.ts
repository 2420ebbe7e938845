import { RelayError } from '../errors.ts';
import { headerValue, type HeaderField } from '../accept/headers.ts';

/** What a send asks to track. */
export interface TrackingChoice {
  opens: boolean;
  clicks: boolean;
}

/**
 * The SMTP way to choose (no JSON body there): `X-RelayPress-Track: opens, clicks`, `opens`,
 * `clicks` or `none`. Removed before signing like the other control headers.
 */
export const TRACKING_CONTROL_HEADER = 'X-RelayPress-Track';

export function trackingControl(fields: HeaderField[]): TrackingChoice | undefined {
  const value = headerValue(fields, TRACKING_CONTROL_HEADER);
  if (value === undefined) return undefined;
  const words = value.toLowerCase().split(/[\s,]+/).filter(Boolean);
  if (words.length === 1 && words[0] === 'none') return { opens: false, clicks: false };
  if (words.length === 0 || words.some((w) => w !== 'opens' && w !== 'clicks')) {
    throw new RelayError('invalid_message', `${TRACKING_CONTROL_HEADER} must be "opens", "clicks", "opens, clicks" or "none"`, TRACKING_CONTROL_HEADER);
  }
  return { opens: words.includes('opens'), clicks: words.includes('clicks') };
}

/** The send's own choice (API field, else control header) per kind, else the account's default. */
export function resolveTracking(explicit: Partial<TrackingChoice> | undefined, control: TrackingChoice | undefined, accountDefault: TrackingChoice): TrackingChoice {
  return {
    opens: explicit?.opens ?? control?.opens ?? accountDefault.opens,
    clicks: explicit?.clicks ?? control?.clicks ?? accountDefault.clicks,
  };
}
