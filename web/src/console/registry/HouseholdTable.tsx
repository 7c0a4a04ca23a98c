import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Flex, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Household, MaskedResident } from '../../shared/model.ts';
import { CursorTable } from './CursorTable.tsx';
import { HouseholdModals, type HouseholdEdit } from './HouseholdModals.tsx';
import { ResidentTags } from './ResidentTags.tsx';
import { RevealButton } from './RevealButton.tsx';
import { useCursorList } from './useCursorList.ts';

/** The households of a micro-grid with their members masked; office roles register, correct and move them. */
export function HouseholdTable({ microgridCode, gridCode, canEdit }: { microgridCode: string; gridCode: string | null; canEdit: boolean }) {
  const { t } = useTranslation();
  const list = useCursorList<Household>(`/api/people/households?unit=${microgridCode}&limit=50`);
  const [edit, setEdit] = useState<HouseholdEdit | null>(null);

  const member = (resident: MaskedResident) => (
    <Flex key={resident.id} gap={8} wrap align="center" data-resident={resident.id}>
      <Typography.Text strong>{resident.name}</Typography.Text>
      <Typography.Text type="secondary">
        {t(`registry.${resident.gender}`)}
        {resident.birthYear !== null && ` · ${resident.birthYear}`}
      </Typography.Text>
      <ResidentTags tags={resident.tags} />
      {resident.phone &&
        (canEdit ? <RevealButton residentId={resident.id} field="phone" masked={resident.phone} /> : <span>{resident.phone}</span>)}
      {canEdit && (
        <Button type="link" size="small" onClick={() => setEdit({ kind: 'editResident', resident })}>
          {t('registry.editResident')}
        </Button>
      )}
    </Flex>
  );
  const columns = [
    { key: 'address', title: t('registry.address'), dataIndex: 'address', width: 220 },
    {
      key: 'members',
      title: t('registry.members'),
      render: (household: Household) => (
        <Flex vertical gap={4}>
          {household.members.map(member)}
        </Flex>
      ),
    },
    ...(canEdit
      ? [
          {
            key: 'actions',
            title: t('registry.actions'),
            width: 120,
            render: (household: Household) => (
              <Space direction="vertical" size={0}>
                <Button type="link" size="small" onClick={() => setEdit({ kind: 'addMember', household })}>
                  {t('registry.addMember')}
                </Button>
                <Button type="link" size="small" onClick={() => setEdit({ kind: 'address', household })}>
                  {t('registry.editAddress')}
                </Button>
                <Button type="link" size="small" onClick={() => setEdit({ kind: 'move', household })}>
                  {t('registry.move')}
                </Button>
              </Space>
            ),
          },
        ]
      : []),
  ];
  return (
    <Card
      title={t('registry.households')}
      extra={
        canEdit && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEdit({ kind: 'register' })}>
            {t('registry.register')}
          </Button>
        )
      }
    >
      <CursorTable<Household>
        list={list}
        columns={columns}
        className="household-table"
        empty={<Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('registry.noHouseholds')} />}
      />
      <HouseholdModals edit={edit} microgridCode={microgridCode} gridCode={gridCode} onClose={() => setEdit(null)} onDone={list.reload} />
    </Card>
  );
}
