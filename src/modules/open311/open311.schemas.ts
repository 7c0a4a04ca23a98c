import { z } from 'zod';

/**
 * The arguments of GeoReport v2, as its clients send them. The spec's rule for optional arguments:
 * an empty one is the same as one not sent, so '' becomes undefined before any check. Unknown
 * arguments (the `page`/`page_size` extension, `attribute[...]` of services without attributes) are
 * ignored, as the spec's servers do.
 */

export function text(value: unknown): string | undefined {
  const joined = Array.isArray(value) ? value.join(',') : typeof value === 'string' ? value : undefined;
  const trimmed = joined?.trim();
  return trimmed ? trimmed : undefined;
}

/** A comma-delimited list, blanks dropped; undefined when nothing is left. */
export function list(value: unknown): string[] | undefined {
  const items = text(value)
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return items?.length ? items : undefined;
}

const optional = <T extends z.ZodType>(schema: T) => z.preprocess(text, schema.optional());

export const MAX_IDS = 1000;

export const requestsQuery = z.object({
  jurisdiction_id: optional(z.string()),
  service_request_id: z.preprocess(
    list,
    z
      .array(z.string().max(64, 'service_request_id: an id is at most 64 characters'))
      .max(MAX_IDS, `service_request_id: at most ${MAX_IDS} ids at once`)
      .optional(),
  ),
  service_code: z.preprocess(list, z.array(z.string().max(16, 'service_code: a code is at most 16 characters')).max(200).optional()),
  start_date: optional(z.string()),
  end_date: optional(z.string()),
  status: z.preprocess(list, z.array(z.enum(['open', 'closed'], { error: 'status: open or closed (comma delimited)' })).optional()),
});

export const jurisdictionQuery = z.object({ jurisdiction_id: optional(z.string()) });

const coordinate = (name: string, bound: number) =>
  optional(
    z.coerce
      .number({ error: `${name}: a number (WGS-84 degrees)` })
      .refine(Number.isFinite, `${name}: a number (WGS-84 degrees)`)
      .refine((v) => Math.abs(v) <= bound, `${name}: between -${bound} and ${bound}`),
  );

const personal = (name: string, max: number) => optional(z.string().max(max, `${name}: at most ${max} characters`));

/** POST Service Request, form-encoded. `api_key` is checked before any of this. */
export const newRequestForm = z.object({
  jurisdiction_id: optional(z.string()),
  service_code: optional(z.string().max(16, 'service_code: at most 16 characters')),
  lat: coordinate('lat', 90),
  long: coordinate('long', 180),
  address_string: optional(z.string().max(200, 'address_string: at most 200 characters')),
  address_id: optional(z.string().max(100, 'address_id: at most 100 characters')),
  email: optional(z.email('email: not an email address').max(100, 'email: at most 100 characters')),
  device_id: personal('device_id', 200),
  account_id: personal('account_id', 200),
  first_name: personal('first_name', 40),
  last_name: personal('last_name', 40),
  phone: optional(
    z
      .string()
      .max(40, 'phone: at most 40 characters')
      .regex(/^[0-9+()\-\s]+$/, 'phone: digits, spaces, + ( ) and - only'),
  ),
  description: optional(z.string().max(4000, 'description: at most 4,000 characters')),
  media_url: optional(z.url({ protocol: /^https?$/, error: 'media_url: an http(s) URL' }).max(500, 'media_url: at most 500 characters')),
});
export type NewRequestForm = z.infer<typeof newRequestForm>;

/** Retries of the same report with the same key (the platform's convention for writes a phone may retry). */
export const idempotencyKey = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/);

/** A form body as the Open311 parser gives it: the first value of each name. */
export function parseForm(body: string): Record<string, string> {
  const form: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(body)) if (!(name in form)) form[name] = value;
  return form;
}
