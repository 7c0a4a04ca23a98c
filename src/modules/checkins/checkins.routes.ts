import { z } from 'zod';
import { byRequest } from '../../platform/command.ts';
import type { Platform } from '../../platform/context.ts';
import type { ApiApp } from '../../platform/module.ts';
import { boardFor, summaryFor, todayFor } from './checkins.board.ts';
import { historyFor, monthlyFigures } from './checkins.figures.ts';
import {
  alertDetail,
  alertsFor,
  presentAlert,
  presentSubjects,
  rejectionCounts,
  settingsFor,
  subjectDetail,
  subjectsFor,
} from './checkins.queries.ts';
import {
  alertDetailView,
  alertListView,
  alertParams,
  alertsQuery,
  alertView,
  awayBody,
  awayParams,
  awayView,
  boardView,
  dayQuery,
  deviceBody,
  deviceView,
  enrolTaggedBody,
  enrolTaggedView,
  historyQuery,
  historyView,
  linkBody,
  linkView,
  monthlyQuery,
  monthlyView,
  newSubjectBody,
  outcomeBody,
  planChangesBody,
  rejectionsQuery,
  rejectionsView,
  revealBody,
  revealView,
  settingsBody,
  settingsView,
  subjectDetailView,
  subjectListView,
  subjectParams,
  subjectsQuery,
  subjectView,
  summaryView,
  todayView,
  versionQuery,
} from './checkins.schemas.ts';
import { addAway, removeAway } from './commands/awayPeriods.ts';
import { enrolSubject, enrolTagged, removeSubject, revealSubject, updatePlan } from './commands/manageRoster.ts';
import { issueCareLink } from './commands/personalLink.ts';
import { registerDevice, retireDevice } from './commands/registerDevice.ts';
import { acknowledgeAlert, recordOutcome } from './commands/respondToAlert.ts';
import { updateCheckinSettings } from './commands/updateSettings.ts';
import { publicRoutes, signalRoutes } from './checkins.signalRoutes.ts';

const tags = ['checkins'];

const subjectUrl = '/api/checkins/subjects/{foreignSubject}';
const alertUrl = '/api/checkins/alerts/{foreignAlert}';

export function checkinsRoutes(app: ApiApp, platform: Platform): void {
  rosterRoutes(app, platform);
  alertRoutes(app, platform);
  dayRoutes(app, platform);
  signalRoutes(app, platform);
  publicRoutes(app, platform);
}

function rosterRoutes(app: ApiApp, platform: Platform): void {
  const db = platform.database.db;

  app.post(
    '/api/checkins/subjects',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/checkins/subjects', body: { residentId: '{foreignResident}' }, expect: 404 } },
      schema: {
        tags,
        summary: 'Put a resident under care with a plan (the district’s defaults where none is given)',
        body: newSubjectBody,
        response: { 201: subjectView },
      },
    },
    async (request, reply) => {
      const subject = await enrolSubject(platform, byRequest(request), request.body);
      return reply.code(201).send((await presentSubjects(platform, db, [subject]))[0]);
    },
  );

  app.post(
    '/api/checkins/subjects/enrol',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/checkins/subjects/enrol', body: { unitCode: '{foreignUnit}' }, expect: 404 } },
      schema: {
        tags,
        summary:
          'Enrol every resident under a unit tagged living alone, elderly, disabled or orphan (or the tags given) not yet on the roster',
        body: enrolTaggedBody,
        response: { 200: enrolTaggedView },
      },
    },
    async (request) => enrolTagged(platform, byRequest(request), request.body),
  );

  app.get(
    '/api/checkins/subjects',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/checkins/subjects?unit={foreignUnit}', expect: 404 } },
      schema: {
        tags,
        summary: 'The roster of my scope (or a unit of it), masked',
        querystring: subjectsQuery,
        response: { 200: subjectListView },
      },
    },
    async (request) => subjectsFor(platform, request.actor!, request.query),
  );

  app.get(
    '/api/checkins/subjects/:id',
    {
      config: { scopeProbe: { kind: 'target', url: subjectUrl, expect: 404 } },
      schema: {
        tags,
        summary: 'A person under care: plan, masked contacts, away periods, devices',
        params: subjectParams,
        response: { 200: subjectDetailView },
      },
    },
    async (request) => subjectDetail(platform, request.actor!, request.params.id),
  );

  app.patch(
    '/api/checkins/subjects/:id',
    {
      config: { scopeProbe: { kind: 'target', url: subjectUrl, body: { version: 1 }, expect: 404 } },
      schema: {
        tags,
        summary: 'Change a plan (windows apply from now; contacts replace the list)',
        params: subjectParams,
        body: planChangesBody,
        response: { 200: subjectView },
      },
    },
    async (request) =>
      (await presentSubjects(platform, db, [await updatePlan(platform, byRequest(request), request.params.id, request.body)]))[0],
  );

  app.delete(
    '/api/checkins/subjects/:id',
    {
      config: { scopeProbe: { kind: 'target', url: `${subjectUrl}?version=1`, expect: 404 } },
      schema: {
        tags,
        summary: 'Take a person off the roster (checks ahead dropped, link stops working)',
        params: subjectParams,
        querystring: versionQuery,
        response: { 200: subjectView },
      },
    },
    async (request) =>
      (
        await presentSubjects(platform, db, [await removeSubject(platform, byRequest(request), request.params.id, request.query.version)])
      )[0],
  );

  app.post(
    '/api/checkins/subjects/:id/reveal',
    {
      config: {
        scopeProbe: { kind: 'target', url: `${subjectUrl}/reveal`, body: { fields: ['contacts'], reason: '越权查看' }, expect: 404 },
      },
      schema: {
        tags,
        summary: 'Show contacts (workers too, to call the family) or health notes (offices) in clear; audited',
        params: subjectParams,
        body: revealBody,
        response: { 200: revealView },
      },
    },
    async (request) => revealSubject(platform, byRequest(request), request.params.id, request.body.fields, request.body.reason),
  );

  app.post(
    '/api/checkins/subjects/:id/link',
    {
      config: { scopeProbe: { kind: 'target', url: `${subjectUrl}/link`, body: {}, expect: 404 } },
      schema: {
        tags,
        summary: 'Issue the person’s “I’m fine” link (shown once; replaces the old one), optionally texted to them',
        params: subjectParams,
        body: linkBody,
        response: { 200: linkView },
      },
    },
    async (request) => {
      const issued = await issueCareLink(
        platform,
        byRequest(request),
        request.params.id,
        request.body,
        platform.config.publicUrl ?? `${request.protocol}://${request.host}`,
      );
      return { subjectId: issued.subject.id, path: issued.path, url: issued.url, smsQueued: issued.smsQueued };
    },
  );

  app.get(
    '/api/checkins/subjects/:id/history',
    {
      config: { scopeProbe: { kind: 'target', url: `${subjectUrl}/history`, expect: 404 } },
      schema: {
        tags,
        summary: 'A person’s checks and alerts day by day, newest first (30 days by default)',
        params: subjectParams,
        querystring: historyQuery,
        response: { 200: historyView },
      },
    },
    async (request) => historyFor(platform, request.actor!, request.params.id, request.query.days),
  );

  app.post(
    '/api/checkins/subjects/:id/away',
    {
      config: {
        scopeProbe: {
          kind: 'target',
          url: `${subjectUrl}/away`,
          body: { startsAt: '2026-03-02T00:00:00Z', endsAt: '2026-03-03T00:00:00Z', reason: 'with_family' },
          expect: 404,
        },
      },
      schema: {
        tags,
        summary: 'The person is away (hospital, with family): checks due inside are paused',
        params: subjectParams,
        body: awayBody,
        response: { 201: awayView },
      },
    },
    async (request, reply) => {
      const away = await addAway(platform, byRequest(request), request.params.id, request.body);
      return reply.code(201).send({
        id: away.id,
        subjectId: away.subject_id,
        startsAt: away.starts_at,
        endsAt: away.ends_at,
        reason: away.reason,
        note: away.note,
      });
    },
  );

  app.delete(
    '/api/checkins/subjects/:id/away/:awayId',
    {
      config: { scopeProbe: { kind: 'target', url: `${subjectUrl}/away/x1`, expect: 404 } },
      schema: { tags, summary: 'Call off an away period: checks still ahead inside it wait again', params: awayParams },
    },
    async (request, reply) => {
      await removeAway(platform, byRequest(request), request.params.id, request.params.awayId);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/checkins/devices',
    {
      config: {
        scopeProbe: {
          kind: 'target',
          url: '/api/checkins/devices',
          body: { subjectId: '{foreignSubject}', deviceId: 'probe-door-1', kind: 'door' },
          expect: 404,
        },
      },
      schema: {
        tags,
        summary: 'Register a device for a person and issue its device API key (shown once)',
        body: deviceBody,
        response: { 201: deviceView },
      },
    },
    async (request, reply) => {
      const { device, key } = await registerDevice(platform, byRequest(request), request.body);
      return reply
        .code(201)
        .send({ id: device.id, subjectId: device.subject_id, kind: device.kind, name: device.name, key, retiredAt: null });
    },
  );

  app.delete(
    '/api/checkins/subjects/:id/devices/:deviceId',
    {
      config: { scopeProbe: { kind: 'target', url: `${subjectUrl}/devices/probe-door-1`, expect: 404 } },
      schema: {
        tags,
        summary: 'Retire a device and revoke its key',
        params: z.strictObject({ id: z.string().max(64), deviceId: z.string().max(64) }),
        response: { 200: deviceView },
      },
    },
    async (request) => {
      await subjectDetail(platform, request.actor!, request.params.id); // 404 outside the scope
      const device = await retireDevice(platform, byRequest(request), request.params.id, request.params.deviceId);
      return { id: device.id, subjectId: device.subject_id, kind: device.kind, name: device.name, retiredAt: device.retired_at };
    },
  );
}

function alertRoutes(app: ApiApp, platform: Platform): void {
  app.get(
    '/api/checkins/alerts',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/checkins/alerts?unit={foreignUnit}', expect: 404 } },
      schema: {
        tags,
        summary: 'Alerts of my scope whose deadline fell on a day (or the days up to it), newest first',
        querystring: alertsQuery,
        response: { 200: alertListView },
      },
    },
    async (request) => alertsFor(platform, request.actor!, request.query),
  );

  app.get(
    '/api/checkins/alerts/:id',
    {
      config: { scopeProbe: { kind: 'target', url: alertUrl, expect: 404 } },
      schema: {
        tags,
        summary: 'An alert with its timeline (raise, rungs, acknowledgement, late signal, outcome, case)',
        params: alertParams,
        response: { 200: alertDetailView },
      },
    },
    async (request) => alertDetail(platform, request.actor!, request.params.id),
  );

  app.post(
    '/api/checkins/alerts/:id/ack',
    {
      config: { scopeProbe: { kind: 'target', url: `${alertUrl}/ack`, body: {}, expect: 404 } },
      schema: {
        tags,
        summary: 'Take the alert on: the climb stops (409 when someone did already)',
        params: alertParams,
        response: { 200: alertView },
      },
    },
    async (request) => presentAlert(platform, await acknowledgeAlert(platform, byRequest(request), request.params.id)),
  );

  app.post(
    '/api/checkins/alerts/:id/outcome',
    {
      config: { scopeProbe: { kind: 'target', url: `${alertUrl}/outcome`, body: { outcome: 'safe' }, expect: 404 } },
      schema: {
        tags,
        summary:
          'Record what a person found (safe — the one-tap confirmation —, overslept, away, ill, hospital, dead, device fault); ill, hospital and dead open a private care case',
        params: alertParams,
        body: outcomeBody,
        response: { 200: alertView },
      },
    },
    async (request) => presentAlert(platform, await recordOutcome(platform, byRequest(request), request.params.id, request.body)),
  );
}

function dayRoutes(app: ApiApp, platform: Platform): void {
  app.get(
    '/api/checkins/summary',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/checkins/summary?unit={foreignUnit}', expect: 404 } },
      schema: {
        tags,
        summary: 'A day’s checks in my scope: {date, subjects, safe, waiting, alerted, resolved, away}',
        querystring: dayQuery,
        response: { 200: summaryView },
      },
    },
    async (request) => summaryFor(platform, request.actor!, request.query),
  );

  app.get(
    '/api/checkins/today',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/checkins/today?unit={foreignUnit}', expect: 404 } },
      schema: {
        tags,
        summary: 'A day’s checks in walking order (building, address) with their alerts: the worker’s list',
        querystring: dayQuery,
        response: { 200: todayView },
      },
    },
    async (request) => todayFor(platform, request.actor!, request.query),
  );

  app.get(
    '/api/checkins/board',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/checkins/board?unit={foreignUnit}', expect: 404 } },
      schema: {
        tags,
        summary: 'A day’s board: a unit’s figures and each unit one level down',
        querystring: dayQuery,
        response: { 200: boardView },
      },
    },
    async (request) => boardFor(platform, request.actor!, request.query),
  );

  app.get(
    '/api/checkins/monthly',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/checkins/monthly?unit={foreignUnit}&month=2026-03', expect: 404 } },
      schema: {
        tags,
        summary: 'A unit’s month: alerts, false-alarm share, median minutes from deadline to a person’s outcome, outcomes; per unit below',
        querystring: monthlyQuery,
        response: { 200: monthlyView },
      },
    },
    async (request) => monthlyFigures(platform, request.actor!, request.query),
  );

  app.get(
    '/api/checkins/rejections',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/checkins/rejections?from=2026-03-01&to=2026-03-31', expect: 403 } },
      schema: {
        tags,
        summary: 'Rejected signals per day, channel and reason (district administrators)',
        querystring: rejectionsQuery,
        response: { 200: rejectionsView },
      },
    },
    async (request) => rejectionCounts(platform, request.actor!, request.query),
  );

  app.get(
    '/api/checkins/settings',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/checkins/settings', expect: 403 } },
      schema: { tags, summary: 'The district’s defaults and ladder timing', response: { 200: settingsView } },
    },
    async (request) => settingsFor(platform, request.actor!),
  );

  app.put(
    '/api/checkins/settings',
    {
      config: { scopeProbe: { kind: 'target', url: '/api/checkins/settings', body: { version: 0, settings: {} }, expect: 403 } },
      schema: {
        tags,
        summary: 'Change the district’s defaults and ladder timing (with the version read)',
        body: settingsBody,
        response: { 200: settingsView },
      },
    },
    async (request) => updateCheckinSettings(platform, byRequest(request), request.body),
  );
}
