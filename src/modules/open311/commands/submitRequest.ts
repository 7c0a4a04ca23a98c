import type { FastifyRequest } from 'fastify';
import { scopeCovers, type Actor } from '../../../platform/authz/actor.ts';
import type { Platform } from '../../../platform/context.ts';
import { authenticate } from '../../accounts/accounts.authenticate.ts';
import { reportCase } from '../../cases/commands/reportCase.ts';
import { publicService } from '../../cases/cases.public.ts';
import { locatePoint } from '../../org/org.queries.ts';
import { refuse, w3Date, type Value } from '../open311.format.ts';
import { checkJurisdiction } from '../open311.queries.ts';
import { newRequestForm, type NewRequestForm } from '../open311.schemas.ts';

/**
 * The Open311 client behind an api_key: a key of purpose `open311` (`wangge apikey create --purpose
 * open311`), not revoked. Anything else is the spec's 403, decided before any other check.
 */
export async function open311Client(platform: Platform, apiKey: unknown): Promise<Actor> {
  if (typeof apiKey !== 'string' || apiKey.trim() === '') throw refuse(403, 'api_key is missing: POST requests need an Open311 API key');
  // The accounts module turns credentials into an actor; an API key travels as X-Api-Key there.
  const authentication = await authenticate(platform, {
    headers: { 'x-api-key': apiKey.trim() },
    cookies: {},
  } as unknown as FastifyRequest);
  if (!authentication) throw refuse(403, 'Invalid api_key: unknown or revoked');
  if (authentication.actor.role !== 'open311') throw refuse(403, 'Invalid api_key: this key is not an Open311 key');
  return authentication.actor;
}

export interface SubmitOptions {
  requestId: string;
  idempotencyKey?: string;
}

/**
 * POST Service Request: a resident's report through an Open311 client becomes a case (source
 * `open311`) in the micro-grid its coordinates fall in, within the unit its key may report in. The
 * name, phone and email given are the reporter's personal data: handed to the case as its reporter
 * (the contact stored encrypted) and never shown by Open311 again.
 */
export async function submitRequest(
  platform: Platform,
  client: Actor,
  raw: Record<string, unknown>,
  options: SubmitOptions,
): Promise<Value> {
  const parsed = newRequestForm.safeParse(raw);
  if (!parsed.success) throw refuse(400, ...parsed.error.issues.map((issue) => issue.message));
  const form = parsed.data;
  await checkJurisdiction(platform, form.jurisdiction_id);

  const problems: string[] = [];
  if (form.service_code === undefined) problems.push('service_code is required (see GET services)');
  if (form.lat === undefined || form.long === undefined) {
    problems.push(
      form.address_string !== undefined || form.address_id !== undefined
        ? 'lat and long are required: this endpoint places a request by its coordinates, not by address_string or address_id'
        : 'lat and long are required (WGS-84)',
    );
  }
  if (problems.length > 0) throw refuse(400, ...problems);

  const service = await publicService(platform, form.service_code!);
  if (!service) throw refuse(404, `service_code ${form.service_code} not found`);

  const location = await locatePoint(platform.database.db, [form.long!, form.lat!], 'wgs84');
  if (!location) throw refuse(400, `lat ${form.lat}, long ${form.long} is outside every micro-grid of the district`);
  const microgrid = location.path[location.path.length - 1];
  if (!scopeCovers(client.scope, microgrid.code))
    throw refuse(400, `lat ${form.lat}, long ${form.long} is outside the area this api_key may report in`);

  const { kase } = await reportCase(
    platform,
    { actor: client, requestId: options.requestId },
    {
      categoryCode: service.code,
      description: describe(form.description?.trim() || service.name, form.media_url),
      location: { lng: form.long!, lat: form.lat!, crs: 'wgs84' },
      ...(form.address_string ? { address: form.address_string } : {}),
      ...reporterOf(form),
    },
    { source: 'open311', idempotencyKey: options.idempotencyKey },
  );
  const due = w3Date(kase.stage_due_at, platform.config.timeZone);
  return [
    {
      service_request_id: kase.id,
      service_notice: due ? `已受理，网格员将于 ${due.slice(0, 10)} ${due.slice(11, 16)} 前核实。` : '已受理，网格员将尽快核实。',
      account_id: null,
    },
  ];
}

/**
 * A case's attachments are photos uploaded to us; a client's media_url points elsewhere, so it is kept
 * with the description, where the staff verifying the report see it.
 */
function describe(description: string, mediaUrl: string | undefined): string {
  return mediaUrl ? `${description}\n附图：${mediaUrl}` : description;
}

/** Name and contact as the case keeps them: a Chinese name family name first, a Latin one given name first. */
function reporterOf(form: NewRequestForm): { reporter?: { name: string; contact?: string } } {
  const contact = form.phone ?? form.email;
  const first = form.first_name?.trim() ?? '';
  const last = form.last_name?.trim() ?? '';
  const han = /[\u3400-\u9fff]/.test(first + last);
  const name = (han ? `${last}${first}` : `${first} ${last}`).trim();
  if (!name && !contact) return {};
  return { reporter: { name: name || '未留名', ...(contact ? { contact } : {}) } };
}
