import { useSending } from './useSending.ts';
import { Alert, Button, Modal, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../i18n/index.ts';
import { api } from '../../shared/api.ts';
import type { WorkerCandidate } from '../../shared/model.ts';
import { useApi } from '../../shared/useApi.ts';

/**
 * The people who could look after a micro-grid, best first by 联亲联近联熟 (the server ranks them:
 * living in it, then next door; Party members and people of 35-60 first; nearest first). Choosing
 * one assigns them; when the micro-grid has a worker, it is handed over in the same step.
 */
export function CandidatesModal({
  microgridCode,
  replacing,
  onClose,
  onDone,
}: {
  microgridCode: string;
  replacing: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const answer = useApi<{ items: WorkerCandidate[] }>(`/api/people/microgrids/${microgridCode}/worker-candidates`);
  const { busy, send } = useSending();
  const [chosen, setChosen] = useState<string | null>(null);

  function choose(candidate: WorkerCandidate) {
    setChosen(candidate.residentId);
    void send(
      () => api.post('/api/people/workers', { residentId: candidate.residentId, microgridCode, replace: replacing }),
      t('registry.saved'),
      () => {
        onClose();
        onDone();
      },
    );
  }
  const columns = [
    { key: 'name', title: t('registry.name'), dataIndex: 'name' },
    { key: 'gender', title: t('registry.gender'), render: (c: WorkerCandidate) => t(`registry.${c.gender}`) },
    { key: 'age', title: t('registry.age'), dataIndex: 'age' },
    { key: 'livesIn', title: t('registry.livesIn'), dataIndex: 'livesIn' },
    {
      key: 'distance',
      title: t('registry.distance'),
      render: (c: WorkerCandidate) => (c.distanceMetres === null ? '—' : t('registry.metres', { n: c.distanceMetres })),
    },
    {
      key: 'reasons',
      title: '',
      render: (c: WorkerCandidate) => c.reasons.map((reason) => <Tag key={reason}>{t(`reasons.${reason}`)}</Tag>),
    },
    { key: 'serving', title: t('registry.serving'), dataIndex: 'serving' },
    {
      key: 'choose',
      title: '',
      render: (c: WorkerCandidate) => (
        <Button type="primary" size="small" loading={busy && chosen === c.residentId} disabled={busy} onClick={() => choose(c)}>
          {t('registry.choose')}
        </Button>
      ),
    },
  ];
  return (
    <Modal open title={t('registry.candidates')} onCancel={onClose} footer={null} width={860}>
      {answer.error !== undefined && <Alert type="error" showIcon title={errorMessage(answer.error)} />}
      <Table<WorkerCandidate>
        rowKey="residentId"
        size="small"
        className="candidate-table"
        columns={columns}
        dataSource={answer.data?.items ?? []}
        loading={answer.loading}
        pagination={false}
        locale={{ emptyText: t('registry.noCandidates') }}
      />
    </Modal>
  );
}
