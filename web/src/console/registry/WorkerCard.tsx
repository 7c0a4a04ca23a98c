import { useSending } from './useSending.ts';
import { Alert, Button, Card, Descriptions, Empty, Flex, Popconfirm } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../i18n/index.ts';
import { api } from '../../shared/api.ts';
import type { Worker } from '../../shared/model.ts';
import { useApi } from '../../shared/useApi.ts';
import { CandidatesModal } from './CandidatesModal.tsx';
import { RevealButton } from './RevealButton.tsx';

/** Who looks after the micro-grid (微网格员), masked; office roles assign, change or unassign them. */
export function WorkerCard({ microgridCode, canEdit }: { microgridCode: string; canEdit: boolean }) {
  const { t } = useTranslation();
  const answer = useApi<{ items: Worker[] }>(`/api/people/workers?unit=${microgridCode}`);
  const [choosing, setChoosing] = useState(false);
  const { reload } = answer;
  const workers = answer.data?.items ?? [];

  const { send } = useSending();
  const unassign = (worker: Worker) =>
    send(() => api.delete(`/api/people/workers/${worker.residentId}/microgrids/${microgridCode}`), t('registry.saved'), reload);
  return (
    <Card
      title={t('registry.worker')}
      loading={answer.loading && !answer.data}
      className="worker-card"
      extra={
        canEdit && (
          <Button onClick={() => setChoosing(true)} type={workers.length === 0 ? 'primary' : 'default'}>
            {workers.length === 0 ? t('registry.assign') : t('registry.replace')}
          </Button>
        )
      }
    >
      {answer.error !== undefined && <Alert type="error" showIcon title={errorMessage(answer.error)} />}
      {answer.data && workers.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('registry.noWorker')} />}
      <Flex vertical gap={12}>
        {workers.map((worker) => (
          <Descriptions
            key={worker.residentId}
            size="small"
            column={3}
            data-worker={worker.residentId}
            items={[
              { key: 'name', label: t('registry.name'), children: worker.name },
              {
                key: 'phone',
                label: t('registry.phone'),
                children: canEdit ? <RevealButton residentId={worker.residentId} field="phone" masked={worker.phone} /> : worker.phone,
              },
              { key: 'since', label: t('registry.since'), children: worker.since },
              { key: 'livesIn', label: t('registry.livesIn'), children: worker.livesIn },
              { key: 'serves', label: t('registry.serves'), children: worker.microgrids.join('、') },
              {
                key: 'account',
                label: t('registry.account'),
                children: worker.hasAccount ? t('registry.hasAccount') : t('registry.noAccount'),
              },
              ...(canEdit
                ? [
                    {
                      key: 'actions',
                      label: t('registry.actions'),
                      children: (
                        <Popconfirm
                          title={t('registry.unassignConfirm', { name: worker.name })}
                          okText={t('registry.unassign')}
                          cancelText={t('registry.cancel')}
                          onConfirm={() => unassign(worker)}
                        >
                          <Button danger size="small">
                            {t('registry.unassign')}
                          </Button>
                        </Popconfirm>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        ))}
      </Flex>
      {choosing && (
        <CandidatesModal microgridCode={microgridCode} replacing={workers.length > 0} onClose={() => setChoosing(false)} onDone={reload} />
      )}
    </Card>
  );
}
