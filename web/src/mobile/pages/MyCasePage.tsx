import { Button, Card, Image, ImageViewer, List, Selector, Steps, Tag, TextArea, Toast } from 'antd-mobile';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { api, ApiError } from '../../shared/api.ts';
import { actionLabel, caseError, fileUrl, formatTime, isFileRef, stateColor, stateLabel } from '../../shared/cases.ts';
import type { CaseDetail } from '../../shared/model.ts';
import { useApi } from '../../shared/useApi.ts';
import { Empty, Failure, Loading } from '../Blocks.tsx';
import { TAG_COLOURS } from './MyReportsPage.tsx';

/**
 * One of my reports: where it stands, its steps so far, and, once it is closed, the reporter's
 * rating (回访评价: solved? satisfied?) when the server offers `evaluate`.
 */
export function MyCasePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const answer = useApi<CaseDetail>(`/api/cases/${encodeURIComponent(id)}`);
  const [rated, setRated] = useState<CaseDetail | null>(null);
  const kase = rated ?? answer.data;
  const photos = (kase?.attachments ?? []).filter(isFileRef).map(fileUrl);

  if (!kase && answer.error instanceof ApiError && answer.error.status === 404) return <Empty title={t('cases.mobile.caseGone')} />;
  if (!kase && answer.error !== undefined) return <Failure error={answer.error} />;
  if (!kase) return <Loading />;

  return (
    <div className="my-case-page" data-state={kase.state}>
      <Card
        title={kase.categoryName}
        extra={
          <Tag color={TAG_COLOURS[stateColor(kase.state)]} fill="outline" data-state={kase.state}>
            {stateLabel(kase.state)}
          </Tag>
        }
        style={{ margin: 12 }}
      >
        <div style={{ marginBottom: 6 }}>{kase.description}</div>
        <div style={{ fontSize: 13, color: 'var(--adm-color-weak)' }}>{kase.address}</div>
        <div style={{ fontSize: 13, color: 'var(--adm-color-weak)' }}>
          {t('cases.mobile.reportedAt', { time: formatTime(kase.createdAt) })}
        </div>
        {photos.length > 0 && (
          <div className="my-case-photos" style={{ display: 'flex', flexWrap: 'wrap', gap: 8, marginTop: 8 }}>
            {photos.map((url, index) => (
              <Image
                key={url}
                src={url}
                width={64}
                height={64}
                fit="cover"
                style={{ borderRadius: 4 }}
                onClick={() => ImageViewer.Multi.show({ images: photos, defaultIndex: index })}
              />
            ))}
          </div>
        )}
        {kase.solved !== null && (
          <div className="my-rating" style={{ marginTop: 8 }}>
            {t(kase.solved ? 'cases.rating.solved' : 'cases.rating.unsolved')}，
            {t(kase.satisfied ? 'cases.rating.satisfied' : 'cases.rating.unsatisfied')}
          </div>
        )}
      </Card>
      {kase.allowedActions.includes('evaluate') && <RateForm kase={kase} onRated={setRated} onStale={answer.reload} />}
      <List header={t('cases.mobile.progress')}>
        <div style={{ padding: '12px 12px 0' }}>
          <Steps direction="vertical" current={0} className="case-steps">
            {[...kase.events].reverse().map((event) => (
              <Steps.Step
                key={event.id}
                title={actionLabel(event.action)}
                description={[formatTime(event.at), event.note].filter(Boolean).join(' · ')}
                status="finish"
              />
            ))}
          </Steps>
        </div>
      </List>
    </div>
  );
}

/** 评价: the two questions the rates count (解决率, 满意率), and an optional word. */
function RateForm({ kase, onRated, onStale }: { kase: CaseDetail; onRated: (kase: CaseDetail) => void; onStale: () => void }) {
  const { t } = useTranslation();
  const [solved, setSolved] = useState<boolean | null>(null);
  const [satisfied, setSatisfied] = useState<boolean | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);

  async function send() {
    if (solved === null || satisfied === null) return;
    setBusy(true);
    try {
      const after = await api.post<CaseDetail>(`/api/cases/${encodeURIComponent(kase.id)}/actions`, {
        action: 'evaluate',
        version: kase.version,
        solved,
        satisfied,
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      Toast.show({ icon: 'success', content: t('cases.mobile.thanks') });
      onRated(after);
    } catch (error) {
      Toast.show({ icon: 'fail', content: caseError(error) });
      if (error instanceof ApiError && error.status === 409) onStale();
    } finally {
      setBusy(false);
    }
  }

  const yesNo = (yes: string, no: string) => [
    { value: 'yes', label: t(yes) },
    { value: 'no', label: t(no) },
  ];
  const asValue = (v: boolean | null) => (v === null ? [] : [v ? 'yes' : 'no']);
  return (
    <List header={t('cases.mobile.rateHeader')} className="rate-form">
      <List.Item title={t('cases.form.solved')}>
        <Selector
          className="rate-solved"
          columns={2}
          options={yesNo('cases.rating.yesSolved', 'cases.rating.notSolved')}
          value={asValue(solved)}
          onChange={(values) => values.length > 0 && setSolved(values[0] === 'yes')}
        />
      </List.Item>
      <List.Item title={t('cases.form.satisfied')}>
        <Selector
          className="rate-satisfied"
          columns={2}
          options={yesNo('cases.rating.satisfied', 'cases.rating.unsatisfied')}
          value={asValue(satisfied)}
          onChange={(values) => values.length > 0 && setSatisfied(values[0] === 'yes')}
        />
      </List.Item>
      <List.Item>
        <TextArea
          placeholder={t('cases.mobile.ratePlaceholder')}
          value={note}
          onChange={setNote}
          maxLength={1000}
          autoSize={{ minRows: 2, maxRows: 4 }}
        />
      </List.Item>
      <div style={{ padding: 12 }}>
        <Button block color="primary" disabled={solved === null || satisfied === null} loading={busy} onClick={() => void send()}>
          {t('cases.mobile.rateSubmit')}
        </Button>
      </div>
    </List>
  );
}
