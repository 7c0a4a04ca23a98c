import { Flex, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { actionLabel, formatTime, limitLabel } from '../../shared/cases.ts';
import type { CaseCatalogue, CaseEvent, Limit } from '../../shared/model.ts';
import { leavesOf, useUnitNames } from './caseData.ts';
import { Photos, StateTag } from './CaseTable.tsx';

const RED = new Set(['refuse', 'return', 'fail_check', 'escalate', 'reject_extension', 'reject_parking', 'supervise']);
/** States that run under a time limit: only their events' deadlines mean something. */
const CLOCKED = new Set([
  'reported',
  'verified',
  'filed',
  'returned',
  'dispatched',
  'extension_requested',
  'parking_requested',
  'fed_back',
]);
const GREEN = new Set(['feedback', 'co_feedback', 'pass_check', 'evaluate', 'approve_extension', 'approve_parking']);

/** The case's history, oldest first: what was done, by whom, when, why, and the deadline it set. */
export function CaseTimeline({ events, catalogue }: { events: CaseEvent[]; catalogue?: CaseCatalogue }) {
  const { t } = useTranslation();
  const name = useUnitNames(
    events.flatMap((event) => [
      event.unitCode,
      typeof event.details.leadDepartment === 'string' ? event.details.leadDepartment : null,
      ...(Array.isArray(event.details.coHandlers) ? (event.details.coHandlers as string[]) : []),
    ]),
  );
  const leaves = leavesOf(catalogue);

  /** The few details worth a line of their own, in words. */
  function detailLines(event: CaseEvent): string[] {
    const d = event.details;
    const lines: string[] = [];
    if (event.action === 'file' && typeof d.categoryCode === 'string') {
      const leaf = leaves.get(d.categoryCode);
      const condition = leaf?.conditions.find((c) => c.code === d.conditionCode);
      lines.push(
        t('cases.detail.filedAs', { category: leaf?.name ?? d.categoryCode, condition: condition?.name ?? String(d.conditionCode ?? '') }),
      );
    }
    if (typeof d.leadDepartment === 'string') {
      const co = Array.isArray(d.coHandlers) ? (d.coHandlers as string[]) : [];
      lines.push(
        t('cases.detail.dispatchedTo', { lead: name(d.leadDepartment) }) +
          (co.length ? t('cases.detail.withCo', { co: co.map(name).join('、') }) : ''),
      );
      if (d.second === true) lines.push(t('cases.detail.second'));
    }
    if (d.extension && typeof d.extension === 'object')
      lines.push(t('cases.detail.extension', { limit: limitLabel(d.extension as Limit) }));
    if (typeof d.closureType === 'string') lines.push(t('cases.detail.closure', { type: t(`cases.closureTypes.${d.closureType}`) }));
    if (typeof d.solved === 'boolean') lines.push(t(d.solved ? 'cases.rating.solved' : 'cases.rating.unsolved'));
    if (typeof d.satisfied === 'boolean') lines.push(t(d.satisfied ? 'cases.rating.satisfied' : 'cases.rating.unsatisfied'));
    if (event.action === 'escalate' && typeof d.rung === 'number') {
      lines.push(t('cases.detail.escalated', { rung: d.rung, unit: event.unitCode ? name(event.unitCode) : '' }));
    }
    return lines;
  }

  const items = events.map((event) => ({
    key: event.id,
    color: RED.has(event.action) ? 'red' : GREEN.has(event.action) ? 'green' : 'blue',
    content: (
      <Flex vertical gap={2} className="case-event" data-action={event.action}>
        <Flex gap={8} align="center" wrap>
          <Typography.Text strong>{actionLabel(event.action)}</Typography.Text>
          {event.toState !== event.fromState && <StateTag state={event.toState} />}
          <Typography.Text type="secondary">{formatTime(event.at)}</Typography.Text>
        </Flex>
        <Typography.Text type="secondary">
          {event.actorRole === 'system'
            ? t('cases.detail.bySystem')
            : t('cases.detail.by', {
                actor: event.actorLabel,
                role: t(`roles.${event.actorRole}`, { defaultValue: event.actorRole }),
                unit: event.unitCode ? ` · ${name(event.unitCode)}` : '',
              })}
        </Typography.Text>
        {event.note && <Typography.Paragraph style={{ margin: 0 }}>{event.note}</Typography.Paragraph>}
        {detailLines(event).map((line) => (
          <Typography.Text key={line}>{line}</Typography.Text>
        ))}
        {/* The report's own photos are the case's, shown above; later steps' photos are evidence of that step. */}
        {event.action !== 'report' && Array.isArray(event.details.attachments) && event.details.attachments.length > 0 && (
          <Photos refs={event.details.attachments as string[]} />
        )}
        {event.deadline && CLOCKED.has(event.toState) && (
          <Typography.Text type="secondary">{t('cases.detail.deadline', { time: formatTime(event.deadline) })}</Typography.Text>
        )}
      </Flex>
    ),
  }));
  return <Timeline className="case-timeline" items={items} />;
}
