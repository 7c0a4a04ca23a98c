import { ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Flex, Form, Input, message, Modal, Select, Spin, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api } from '../../shared/api.ts';
import { useMe } from '../../shared/auth.tsx';
import { formatTime } from '../../shared/cases.ts';
import {
  checkinError,
  OUTCOMES,
  SERIOUS_OUTCOMES,
  usePolling,
  type AlertDetail,
  type CareAlert,
  type Outcome,
} from '../../shared/checkins.ts';
import { useApi } from '../../shared/useApi.ts';
import { AlertStatusTag } from './AlertsPanel.tsx';
import { useUnitNames } from '../cases/caseData.ts';
import { isCareOffice } from './checkinData.ts';

const REFRESH_MS = 30_000;

/**
 * One alert (/checkins/alerts/:id, where the ladder's messages link): who, when, its state, and its
 * timeline — raised, each rung and whom it reached, overdue, taken on, a late sign of life, the
 * outcome and the case it opened; offices take it on and record the outcome here.
 */
export function AlertPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { user } = useMe();
  const answer = useApi<AlertDetail>(`/api/checkins/alerts/${encodeURIComponent(id)}`);
  usePolling(answer.reload, REFRESH_MS);
  const [recording, setRecording] = useState(false);
  const [busy, setBusy] = useState(false);
  const alert = answer.data;

  if (answer.error !== undefined && !alert) return <Alert type="error" showIcon title={checkinError(answer.error)} />;
  if (!alert) return <Spin style={{ display: 'block', margin: '64px auto' }} />;

  async function act(change: () => Promise<CareAlert>, done: string) {
    setBusy(true);
    try {
      await change();
      void message.success(done);
      setRecording(false);
    } catch (error) {
      void message.error(checkinError(error));
    } finally {
      setBusy(false);
      answer.reload();
    }
  }
  const path = `/api/checkins/alerts/${encodeURIComponent(alert.id)}`;
  const office = isCareOffice(user.role);

  return (
    <Flex vertical gap={16} className="checkins-alert-page" data-status={alert.status}>
      <Button
        style={{ alignSelf: 'flex-start', padding: 0 }}
        type="link"
        icon={<ArrowLeftOutlined />}
        onClick={() => navigate('/checkins?tab=alerts')}
      >
        {t('checkins.back')}
      </Button>
      <Card
        title={
          <Flex gap={8} align="center">
            {alert.kind === 'panic' ? t('checkins.alerts.kinds.panic') : t('checkins.alerts.kinds.missed')} ·{' '}
            <Link to={`/checkins/subjects/${alert.subjectId}`}>{alert.name}</Link>
            <AlertStatusTag alert={alert} />
          </Flex>
        }
        extra={
          office &&
          alert.status !== 'resolved' && (
            <Flex gap={8}>
              {alert.status === 'open' && (
                <Button loading={busy} onClick={() => void act(() => api.post(`${path}/ack`), t('checkins.alert.acknowledged'))}>
                  {t('checkins.alert.ack')}
                </Button>
              )}
              {alert.awaitingConfirmation && (
                <Button
                  type="primary"
                  loading={busy}
                  onClick={() => void act(() => api.post(`${path}/outcome`, { outcome: 'safe' }), t('checkins.alert.recorded'))}
                >
                  {t('checkins.alert.confirmSafe')}
                </Button>
              )}
              <Button
                type={alert.awaitingConfirmation ? 'default' : 'primary'}
                danger={!alert.awaitingConfirmation}
                onClick={() => setRecording(true)}
              >
                {t('checkins.alert.recordOutcome')}
              </Button>
            </Flex>
          )
        }
      >
        <Descriptions
          column={2}
          items={[
            { key: 'address', label: t('checkins.roster.address'), children: alert.address },
            { key: 'phone', label: t('checkins.subject.phone'), children: alert.phone ?? '—' },
            { key: 'due', label: t('checkins.alerts.dueAt'), children: formatTime(alert.dueAt) },
            {
              key: 'raised',
              label: t('checkins.alert.raisedAt'),
              children:
                formatTime(alert.raisedAt) +
                (alert.lateMinutes > 0 ? ` · ${t('checkins.alert.late', { minutes: alert.lateMinutes })}` : ''),
            },
            { key: 'rung', label: t('checkins.alerts.rung'), children: alert.rung },
            { key: 'next', label: t('checkins.alert.nextRungAt'), children: alert.nextRungAt ? formatTime(alert.nextRungAt) : '—' },
            {
              key: 'contacts',
              label: t('checkins.subject.contacts'),
              span: 2,
              children: alert.contacts.length
                ? alert.contacts.map((c) => `${c.name} ${c.phone}${c.relation ? `（${c.relation}）` : ''}`).join('；')
                : '—',
            },
            ...(alert.outcome
              ? [
                  {
                    key: 'outcome',
                    label: t('checkins.alerts.outcome'),
                    span: 2,
                    children: (
                      <span className="checkins-alert-outcome" data-outcome={alert.outcome}>
                        {t(`checkins.outcomes.${alert.outcome}`)}
                        {alert.outcomeBy && ` · ${alert.outcomeBy}`}
                        {alert.outcomeAt && ` · ${formatTime(alert.outcomeAt)}`}
                        {alert.outcomeNote && ` · ${alert.outcomeNote}`}
                        {alert.caseId && (
                          <>
                            {' · '}
                            <Link to={`/cases/${alert.caseId}`} className="checkins-case-link">
                              {t('checkins.alert.openCase')}
                            </Link>
                          </>
                        )}
                      </span>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      <Card title={t('checkins.alert.timeline')}>
        <AlertTimeline alert={alert} />
      </Card>
      <OutcomeModal
        open={recording}
        busy={busy}
        onCancel={() => setRecording(false)}
        onSubmit={(outcome, note) => void act(() => api.post(`${path}/outcome`, { outcome, note }), t('checkins.alert.recorded'))}
      />
    </Flex>
  );
}

const STEP_COLOURS: Record<string, string> = {
  raise: 'red',
  overdue: 'red',
  ack: 'blue',
  signal: 'green',
  outcome: 'green',
  case: 'orange',
};

/** The alert's steps, oldest first, each in words with whom it reached. */
function AlertTimeline({ alert }: { alert: AlertDetail }) {
  const { t } = useTranslation();
  const listOf = (details: Record<string, unknown>) =>
    Array.isArray(details.recipients) ? (details.recipients as Record<string, unknown>[]) : [];
  const name = useUnitNames(
    alert.timeline.flatMap((step) => listOf(step.details).map((r) => (typeof r.unit === 'string' ? r.unit : null))),
  );

  /** Whom a step reached: units by name, the caretakers' accounts together, the family by their place in the list. */
  function recipients(details: Record<string, unknown>): string {
    const list = listOf(details);
    const users = list.filter((r) => typeof r.user === 'string').length;
    return [
      ...list.flatMap((r) => (typeof r.unit === 'string' ? [name(r.unit)] : [])),
      ...(users > 0 ? [t('checkins.alert.toUsers', { count: users })] : []),
      ...list.flatMap((r) => (typeof r.contact === 'number' ? [t('checkins.alert.toContact', { n: r.contact + 1 })] : [])),
    ].join('、');
  }

  const items = alert.timeline.map((step, index) => {
    const rung = step.step.startsWith('rung:') ? Number(step.step.slice(5)) : null;
    const label =
      rung !== null ? t('checkins.alert.steps.rung', { n: rung }) : t(`checkins.alert.steps.${step.step}`, { defaultValue: step.step });
    const d = step.details;
    const lines: string[] = [];
    const to = recipients(d);
    if (to) lines.push(t('checkins.alert.reached', { to }));
    if (typeof d.lateMinutes === 'number' && d.lateMinutes > 0) lines.push(t('checkins.alert.late', { minutes: d.lateMinutes }));
    if (typeof d.outcome === 'string') lines.push(t(`checkins.outcomes.${d.outcome}`, { defaultValue: d.outcome }));
    if (typeof d.type === 'string') lines.push(t(`checkins.signals.${d.type}`, { defaultValue: d.type }));
    return {
      key: `${step.step}-${index}`,
      color: rung !== null ? 'orange' : (STEP_COLOURS[step.step] ?? 'blue'),
      content: (
        <Flex vertical gap={2} className="checkins-step" data-step={step.step}>
          <Flex gap={8}>
            <Typography.Text strong>{label}</Typography.Text>
            <Typography.Text type="secondary">{formatTime(step.at)}</Typography.Text>
            {step.actor && <Typography.Text type="secondary">{step.actor}</Typography.Text>}
          </Flex>
          {lines.map((line) => (
            <Typography.Text key={line}>{line}</Typography.Text>
          ))}
          {step.step === 'case' && alert.caseId && <Link to={`/cases/${alert.caseId}`}>{t('checkins.alert.openCase')}</Link>}
        </Flex>
      ),
    };
  });
  return <Timeline className="checkins-timeline" items={items} />;
}

/** 记录处置结果: the outcome and a note; the serious ones say a case will be opened. */
function OutcomeModal({
  open,
  busy,
  onCancel,
  onSubmit,
}: {
  open: boolean;
  busy: boolean;
  onCancel: () => void;
  onSubmit: (outcome: Outcome, note: string | null) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ outcome: Outcome; note?: string }>();
  const chosen = Form.useWatch('outcome', form);
  return (
    <Modal
      title={t('checkins.alert.recordOutcome')}
      open={open}
      confirmLoading={busy}
      okText={t('checkins.alert.submitOutcome')}
      cancelText={t('checkins.cancel')}
      onOk={() => form.submit()}
      onCancel={onCancel}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" preserve={false} onFinish={(values) => onSubmit(values.outcome, values.note?.trim() || null)}>
        <Form.Item
          name="outcome"
          label={t('checkins.alerts.outcome')}
          rules={[{ required: true, message: t('checkins.alert.outcomeRequired') }]}
        >
          <Select options={OUTCOMES.map((value) => ({ value, label: t(`checkins.outcomes.${value}`) }))} />
        </Form.Item>
        {chosen && SERIOUS_OUTCOMES.includes(chosen) && (
          <Alert type="warning" showIcon title={t('checkins.mobile.caseWillOpen')} style={{ marginBottom: 16 }} />
        )}
        <Form.Item name="note" label={t('checkins.alert.note')}>
          <Input.TextArea maxLength={500} rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
