import { ArrowLeftOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Descriptions,
  Flex,
  Form,
  Input,
  List,
  message,
  Modal,
  Popconfirm,
  Select,
  Spin,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { api } from '../../shared/api.ts';
import { useMe } from '../../shared/auth.tsx';
import { formatTime } from '../../shared/cases.ts';
import {
  checkinError,
  SHOWN_COLOURS,
  shownState,
  type Contact,
  type HistoryDay,
  type Shown,
  type Subject,
  type SubjectDetail,
} from '../../shared/checkins.ts';
import { useApi } from '../../shared/useApi.ts';
import { isCareOffice } from './checkinData.ts';

/**
 * A person under care (/checkins/subjects/:id): the plan, the emergency contacts masked (offices
 * reveal them with a reason, audited), away periods (add, call off), devices, the personal "I'm fine"
 * link (issued here, shown once), and the last 30 days as a calendar coloured by what each day was.
 */
export function SubjectPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { user } = useMe();
  const path = `/api/checkins/subjects/${encodeURIComponent(id)}`;
  const subject = useApi<SubjectDetail>(path);
  const history = useApi<{ subject: Subject; days: HistoryDay[] }>(`${path}/history?days=${CALENDAR_DAYS}`);
  // The server's business day ends the calendar (history lists only days that had checks).
  const summary = useApi<{ date: string }>(subject.data ? `/api/checkins/summary?unit=${subject.data.microgridCode}` : null);
  const office = isCareOffice(user.role);

  if (subject.error !== undefined && !subject.data) return <Alert type="error" showIcon title={checkinError(subject.error)} />;
  if (!subject.data) return <Spin style={{ display: 'block', margin: '64px auto' }} />;
  const s = subject.data;
  const plan = s.plan;

  return (
    <Flex vertical gap={16} className="checkins-subject-page">
      <Button
        style={{ alignSelf: 'flex-start', padding: 0 }}
        type="link"
        icon={<ArrowLeftOutlined />}
        onClick={() => navigate('/checkins?tab=roster')}
      >
        {t('checkins.back')}
      </Button>
      <Card
        title={<span className="checkins-subject-name">{s.name}</span>}
        extra={office && !s.removedAt && <LinkButton subjectId={s.id} issuedAt={s.linkIssuedAt} onIssued={subject.reload} />}
      >
        <Descriptions
          column={2}
          items={[
            { key: 'address', label: t('checkins.roster.address'), children: s.address },
            { key: 'phone', label: t('checkins.subject.phone'), children: s.phone ?? '—' },
            { key: 'microgrid', label: t('checkins.roster.microgrid'), children: s.microgridCode },
            { key: 'birth', label: t('checkins.subject.birthYear'), children: s.birthYear ?? '—' },
            {
              key: 'windows',
              label: t('checkins.roster.window'),
              children: `${plan.morningWindow.start}-${plan.morningWindow.end}${plan.eveningWindow ? ` · ${plan.eveningWindow.start}-${plan.eveningWindow.end}` : ''}`,
            },
            {
              key: 'signals',
              label: t('checkins.subject.signals'),
              children: plan.signals.map((signal) => t(`checkins.signals.${signal}`)).join('、'),
            },
            { key: 'water', label: t('checkins.subject.water'), children: plan.waterLitres ?? t('checkins.subject.districtDefault') },
            { key: 'power', label: t('checkins.subject.power'), children: plan.powerKwh ?? t('checkins.subject.districtDefault') },
            {
              key: 'link',
              label: t('checkins.subject.link'),
              children: s.linkIssuedAt ? formatTime(s.linkIssuedAt) : t('checkins.subject.noLink'),
            },
            { key: 'health', label: t('checkins.subject.healthNotes'), children: s.hasHealthNotes ? t('checkins.subject.onRecord') : '—' },
            ...(s.removedAt ? [{ key: 'removed', label: t('checkins.subject.removedAt'), children: formatTime(s.removedAt) }] : []),
          ]}
        />
      </Card>
      <Card title={t('checkins.subject.calendar')}>
        {history.error !== undefined && <Alert type="error" showIcon title={checkinError(history.error)} />}
        {history.data && summary.data ? <Calendar days={history.data.days} last={summary.data.date} /> : <Spin />}
      </Card>
      <ContactsCard subject={s} office={office} />
      <AwayCard subject={s} onChanged={subject.reload} />
      <Card title={t('checkins.subject.devices')}>
        <List
          className="checkins-devices"
          dataSource={s.devices}
          locale={{ emptyText: t('checkins.subject.noDevices') }}
          renderItem={(device) => (
            <List.Item>
              {t(`checkins.deviceKinds.${device.kind}`, { defaultValue: device.kind })} · {device.name || device.id}
              {device.retiredAt ? <Tag style={{ marginLeft: 8 }}>{t('checkins.subject.retired')}</Tag> : null}
            </List.Item>
          )}
        />
      </Card>
    </Flex>
  );
}

/** The day's colour: the worst of its checks (an alert outranks waiting, waiting outranks safe). */
const RANK: Shown[] = ['alert', 'waiting', 'resolved', 'away', 'safe', 'none'];
function dayShown(day: HistoryDay | undefined): Shown {
  const shown = (day?.checks ?? []).map((check) => shownState(check.state, check.alert));
  return RANK.find((candidate) => shown.includes(candidate)) ?? 'none';
}

const CALENDAR_DAYS = 30;

/** The `count` calendar days up to `last` (YYYY-MM-DD), oldest first. */
function daysUpTo(last: string, count: number): string[] {
  const end = Date.parse(`${last}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(end - (count - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}

/** Thirty squares up to today, oldest first, coloured by the day; hovering tells what happened. */
function Calendar({ days, last }: { days: HistoryDay[]; last: string }) {
  const { t } = useTranslation();
  const byDay = new Map(days.map((day) => [day.day, day]));
  const ordered = daysUpTo(last, CALENDAR_DAYS).map((day) => byDay.get(day) ?? { day, checks: [] });
  return (
    <Flex vertical gap={8}>
      <Flex wrap gap={6} className="checkins-calendar">
        {ordered.map((day) => {
          const shown = dayShown(day);
          const tip = day.checks.length
            ? day.checks
                .map((check) => {
                  const what = check.alert?.outcome
                    ? t(`checkins.outcomes.${check.alert.outcome}`)
                    : t(`checkins.states.${shownState(check.state, check.alert)}`);
                  const via = check.safeVia ? ` · ${t(`checkins.signals.${check.safeVia}`)}` : '';
                  return `${t(`checkins.windows.${check.window}`)} ${what}${via}`;
                })
                .join('；')
            : t('checkins.subject.noCheck');
          return (
            <Tooltip key={day.day} title={`${day.day} ${tip}`}>
              <div
                className="checkins-day"
                data-day={day.day}
                data-state={shown}
                style={{
                  width: 40,
                  height: 40,
                  borderRadius: 4,
                  background: SHOWN_COLOURS[shown],
                  color: shown === 'none' ? '#595959' : '#fff',
                  display: 'flex',
                  alignItems: 'center',
                  justifyContent: 'center',
                  fontSize: 12,
                }}
              >
                {Number(day.day.slice(8))}
              </div>
            </Tooltip>
          );
        })}
      </Flex>
      <Flex gap={4} wrap>
        {(['safe', 'waiting', 'alert', 'resolved', 'away', 'none'] as const).map((shown) => (
          <Tag key={shown} color={SHOWN_COLOURS[shown]} style={shown === 'none' ? { color: '#595959' } : undefined}>
            {t(`checkins.states.${shown}`)}
          </Tag>
        ))}
      </Flex>
    </Flex>
  );
}

/** The family to call, masked; offices see them in clear after giving a reason (audited). */
function ContactsCard({ subject, office }: { subject: SubjectDetail; office: boolean }) {
  const { t } = useTranslation();
  const [clear, setClear] = useState<Contact[] | null>(null);
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  const shown = clear ?? subject.contacts;

  async function reveal({ reason }: { reason: string }) {
    setBusy(true);
    try {
      const answer = await api.post<{ contacts?: Contact[] }>(`/api/checkins/subjects/${encodeURIComponent(subject.id)}/reveal`, {
        fields: ['contacts'],
        reason,
      });
      setClear(answer.contacts ?? []);
      setAsking(false);
    } catch (error) {
      void message.error(checkinError(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card
      title={t('checkins.subject.contacts')}
      extra={
        office &&
        clear === null &&
        subject.contacts.length > 0 && (
          <Button size="small" onClick={() => setAsking(true)} className="checkins-reveal">
            {t('checkins.subject.reveal')}
          </Button>
        )
      }
    >
      <List
        className="checkins-contacts"
        dataSource={shown}
        locale={{ emptyText: t('checkins.subject.noContacts') }}
        renderItem={(contact, index) => (
          <List.Item data-revealed={clear !== null ? 'true' : undefined}>
            {index + 1}. {contact.name}
            {contact.relation ? `（${contact.relation}）` : ''} · {contact.phone} · {t(`checkins.subject.channels.${contact.channel}`)}
          </List.Item>
        )}
      />
      <Modal
        title={t('checkins.subject.revealTitle')}
        open={asking}
        confirmLoading={busy}
        okText={t('checkins.subject.reveal')}
        cancelText={t('checkins.cancel')}
        onOk={() => form.submit()}
        onCancel={() => setAsking(false)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false} onFinish={(values) => void reveal(values)}>
          <Form.Item
            name="reason"
            label={t('checkins.subject.revealReason')}
            rules={[{ required: true, min: 2, whitespace: true, message: t('checkins.subject.revealReasonRequired') }]}
          >
            <Input maxLength={200} autoFocus />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

/** Away periods: checks due inside them are paused; workers and offices add them and call them off. */
function AwayCard({ subject, onChanged }: { subject: SubjectDetail; onChanged: () => void }) {
  const { t } = useTranslation();
  const [adding, setAdding] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ range: [Dayjs, Dayjs]; reason: string; note?: string }>();
  const base = `/api/checkins/subjects/${encodeURIComponent(subject.id)}/away`;

  async function send(change: () => Promise<unknown>, done: string) {
    setBusy(true);
    try {
      await change();
      void message.success(done);
      setAdding(false);
      onChanged();
    } catch (error) {
      void message.error(checkinError(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card
      title={t('checkins.subject.away')}
      extra={
        !subject.removedAt && (
          <Button size="small" onClick={() => setAdding(true)} className="checkins-add-away">
            {t('checkins.subject.addAway')}
          </Button>
        )
      }
    >
      <List
        className="checkins-away"
        dataSource={subject.away}
        locale={{ emptyText: t('checkins.subject.noAway') }}
        renderItem={(away) => (
          <List.Item
            actions={[
              <Popconfirm
                key="remove"
                title={t('checkins.subject.removeAwayConfirm')}
                onConfirm={() => void send(() => api.delete(`${base}/${away.id}`), t('checkins.subject.awayRemoved'))}
              >
                <Button type="link" size="small" danger>
                  {t('checkins.subject.removeAway')}
                </Button>
              </Popconfirm>,
            ]}
          >
            <Typography.Text>
              {formatTime(away.startsAt)} — {formatTime(away.endsAt)} · {t(`checkins.awayReasons.${away.reason}`)}
              {away.note ? ` · ${away.note}` : ''}
            </Typography.Text>
          </List.Item>
        )}
      />
      <Modal
        title={t('checkins.subject.addAway')}
        open={adding}
        confirmLoading={busy}
        okText={t('checkins.subject.save')}
        cancelText={t('checkins.cancel')}
        onOk={() => form.submit()}
        onCancel={() => setAdding(false)}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          preserve={false}
          onFinish={(values) =>
            void send(
              () =>
                api.post(base, {
                  startsAt: values.range[0].toISOString(),
                  endsAt: values.range[1].toISOString(),
                  reason: values.reason,
                  note: values.note?.trim() || null,
                }),
              t('checkins.subject.awayAdded'),
            )
          }
        >
          <Form.Item
            name="range"
            label={t('checkins.subject.awayRange')}
            rules={[{ required: true, message: t('checkins.subject.awayRangeRequired') }]}
          >
            <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
          </Form.Item>
          <Form.Item name="reason" label={t('checkins.subject.awayReason')} initialValue="with_family" rules={[{ required: true }]}>
            <Select
              options={(['hospital', 'with_family', 'other'] as const).map((value) => ({
                value,
                label: t(`checkins.awayReasons.${value}`),
              }))}
            />
          </Form.Item>
          <Form.Item name="note" label={t('checkins.alert.note')}>
            <Input maxLength={200} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

/** 发放平安链接: a new personal link (the old one stops working), optionally texted; shown this once. */
function LinkButton({ subjectId, issuedAt, onIssued }: { subjectId: string; issuedAt: string | null; onIssued: () => void }) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const [sendSms, setSendSms] = useState(false);
  const [busy, setBusy] = useState(false);
  const [url, setUrl] = useState<string | null>(null);

  async function issue() {
    setBusy(true);
    try {
      const answer = await api.post<{ url: string; smsQueued: boolean }>(`/api/checkins/subjects/${encodeURIComponent(subjectId)}/link`, {
        sendSms,
      });
      setAsking(false);
      setUrl(answer.url);
      if (answer.smsQueued) void message.success(t('checkins.subject.linkTexted'));
      onIssued();
    } catch (error) {
      void message.error(checkinError(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button onClick={() => setAsking(true)} className="checkins-issue-link">
        {issuedAt ? t('checkins.subject.reissueLink') : t('checkins.subject.issueLink')}
      </Button>
      <Modal
        title={issuedAt ? t('checkins.subject.reissueLink') : t('checkins.subject.issueLink')}
        open={asking}
        confirmLoading={busy}
        okText={t('checkins.subject.issue')}
        cancelText={t('checkins.cancel')}
        onOk={() => void issue()}
        onCancel={() => setAsking(false)}
        destroyOnHidden
      >
        {issuedAt && <Typography.Paragraph>{t('checkins.subject.reissueHint')}</Typography.Paragraph>}
        <Checkbox checked={sendSms} onChange={(event) => setSendSms(event.target.checked)}>
          {t('checkins.subject.textLink')}
        </Checkbox>
      </Modal>
      <Modal title={t('checkins.subject.linkTitle')} open={url !== null} footer={null} onCancel={() => setUrl(null)} destroyOnHidden>
        <Typography.Paragraph>{t('checkins.subject.linkOnce')}</Typography.Paragraph>
        <Typography.Text copyable className="checkins-link-url">
          {url}
        </Typography.Text>
      </Modal>
    </>
  );
}
