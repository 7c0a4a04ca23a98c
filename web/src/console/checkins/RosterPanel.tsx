import { Button, Flex, message, Popconfirm, Table, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../shared/api.ts';
import { useMe } from '../../shared/auth.tsx';
import { checkinError, type Page, type Subject } from '../../shared/checkins.ts';
import { isCareOffice } from './checkinData.ts';

const PAGE = 100;

/**
 * 名册: the people under care in the unit, by micro-grid, each opening their page; offices put every
 * resident tagged living alone, elderly, disabled or orphan under care at once (enrol-tagged).
 */
export function RosterPanel({ unit }: { unit: string }) {
  const { t } = useTranslation();
  const { user } = useMe();
  const [items, setItems] = useState<Subject[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);

  const load = useCallback(
    async (after: string | null) => {
      setLoading(true);
      try {
        const page = await api.get<Page<Subject>>(
          `/api/checkins/subjects?unit=${encodeURIComponent(unit)}&limit=${PAGE}${after ? `&after=${encodeURIComponent(after)}` : ''}`,
        );
        setItems((previous) => (after ? [...previous, ...page.items] : page.items));
        setCursor(page.nextCursor);
      } catch (error) {
        void message.error(checkinError(error));
      } finally {
        setLoading(false);
      }
    },
    [unit],
  );

  useEffect(() => {
    void load(null);
  }, [load, generation]);

  async function enrol() {
    try {
      const answer = await api.post<{ enrolled: number; alreadyEnrolled: number; removedBefore: number }>('/api/checkins/subjects/enrol', {
        unitCode: unit,
      });
      void message.success(t('checkins.roster.enrolled', answer));
      setGeneration((g) => g + 1);
    } catch (error) {
      void message.error(checkinError(error));
    }
  }

  return (
    <Flex vertical gap={16}>
      {isCareOffice(user.role) && (
        <Flex>
          <Popconfirm title={t('checkins.roster.enrolConfirm')} onConfirm={() => void enrol()} okText={t('checkins.roster.enrol')}>
            <Button type="primary" className="checkins-enrol">
              {t('checkins.roster.enrol')}
            </Button>
          </Popconfirm>
        </Flex>
      )}
      <Table<Subject>
        className="checkins-roster"
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={items}
        pagination={false}
        locale={{ emptyText: t('checkins.roster.empty') }}
        columns={[
          { key: 'name', title: t('checkins.roster.name'), render: (_, s) => <Link to={`/checkins/subjects/${s.id}`}>{s.name}</Link> },
          { key: 'address', title: t('checkins.roster.address'), dataIndex: 'address' },
          { key: 'microgrid', title: t('checkins.roster.microgrid'), dataIndex: 'microgridCode' },
          {
            key: 'window',
            title: t('checkins.roster.window'),
            render: (_, s) =>
              `${s.plan.morningWindow.start}-${s.plan.morningWindow.end}${s.plan.eveningWindow ? ` · ${s.plan.eveningWindow.start}-${s.plan.eveningWindow.end}` : ''}`,
          },
          { key: 'contacts', title: t('checkins.roster.contacts'), render: (_, s) => s.contacts.length },
          { key: 'via', title: t('checkins.roster.via'), render: (_, s) => <Tag>{t(`checkins.roster.enrolledVia.${s.enrolledVia}`)}</Tag> },
        ]}
      />
      {cursor && (
        <Button onClick={() => void load(cursor)} loading={loading}>
          {t('checkins.roster.more')}
        </Button>
      )}
    </Flex>
  );
}
