import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { systemActor } from '../../../src/platform/authz/actor.ts';
import type { Platform } from '../../../src/platform/context.ts';
import { importUnits } from '../../../src/modules/org/commands/importUnits.ts';
import { makeCaseWorld } from '../../support/cases.ts';
import { makeApiKey } from '../../support/factories.ts';
import type { TestServer } from '../../support/server.ts';
import { box } from '../../support/tessellation.ts';
import { parseXml, type XmlElement } from './xml.ts';

/** Two neighbouring boxes of 0.01° (about 1 km): the home micro-grid to the west, the foreign one to the east. */
const d = 0.01;
const W = 113.3;
const S = 35.26;
export const HOME_POINT = { lat: S + d / 2, long: W + d / 2 };
export const FOREIGN_POINT = { lat: S + d / 2, long: W + 1.5 * d };
export const OUTSIDE_POINT = { lat: S + d / 2, long: W - d };

/**
 * The case world with boundaries, so reports can be placed by coordinates, and Open311 keys: one
 * for the home subdistrict, one for the whole district.
 */
export async function makeOpen311World(platform: Platform) {
  const world = await makeCaseWorld(platform);
  const { codes } = world;
  const home = box(W, S, W + d, S + d);
  const foreign = box(W + d, S, W + 2 * d, S + d);
  await importUnits(
    platform,
    { actor: systemActor('test'), requestId: null },
    [
      { code: codes.homeCommunity, name: '幸福社区', geometry: home },
      { code: codes.homeGrid, name: '幸福一网格', geometry: home },
      { code: codes.homeMicrogrid, name: '幸福一微网格', geometry: home },
      { code: codes.foreignCommunity, name: '外区社区', geometry: foreign },
      { code: codes.foreignGrid, name: '外区一网格', geometry: foreign },
      { code: codes.foreignMicrogrid, name: '外区一微网格', geometry: foreign },
    ],
    'test',
  );
  const keys = {
    home: (await makeApiKey(platform, codes.home, 'open311')).key,
    district: await makeApiKey(platform, codes.district, 'open311'),
    /** An integration key: a valid key, but not for Open311. */
    integration: world.foreignKey.key,
  };
  return { ...world, keys: { ...keys, district: keys.district.key, districtId: keys.district.row.id } };
}

export type Open311World = Awaited<ReturnType<typeof makeOpen311World>>;

export const FORM_TYPE = 'application/x-www-form-urlencoded; charset=utf-8';

/** Anonymous GET and form-encoded POST, through the whole Fastify pipeline. */
export function open311(server: TestServer) {
  return {
    get: (url: string) => server.app.inject({ method: 'GET', url }),
    post: (url: string, form: Record<string, string | number>, headers: Record<string, string> = {}) =>
      server.app.inject({
        method: 'POST',
        url,
        payload: new URLSearchParams(Object.entries(form).map(([k, v]): [string, string] => [k, String(v)])).toString(),
        headers: { 'content-type': FORM_TYPE, ...headers },
      }),
  };
}

/** A JSON answer: checks the status and the spec's content type, returns the body. */
export function json(response: LightMyRequestResponse, status = 200) {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  return response.json();
}

/** An XML answer: checks the status and the spec's content type, returns the document element. */
export function xml(response: LightMyRequestResponse, status = 200): XmlElement {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toBe('text/xml; charset=utf-8');
  return parseXml(response.body);
}

/** The spec's error body in JSON: every entry `{code, description}` with the HTTP status as code. */
export function jsonErrors(response: LightMyRequestResponse, status: number): string[] {
  const body = json(response, status);
  expect(Array.isArray(body)).toBe(true);
  expect(body.length).toBeGreaterThan(0);
  for (const error of body) {
    expect(Object.keys(error).sort()).toEqual(['code', 'description']);
    expect(error.code).toBe(status);
    expect(typeof error.description).toBe('string');
  }
  expect(response.body).not.toMatch(/stack|at \w+ \(/);
  return body.map((e: { description: string }) => e.description);
}

/** The spec's error body in XML: `<errors><error><code/><description/></error>…</errors>`. */
export function xmlErrors(response: LightMyRequestResponse, status: number): string[] {
  const root = xml(response, status);
  expect(root.name).toBe('errors');
  expect(root.children.length).toBeGreaterThan(0);
  return root.children.map((error) => {
    expect(error.name).toBe('error');
    expect(error.children.map((c) => c.name)).toEqual(['code', 'description']);
    expect(error.children[0].text).toBe(String(status));
    return error.children[1].text;
  });
}

/** W3C-DTF in the district's zone, as every date must be. */
export const W3_SHANGHAI = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;
