import { SearchOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { useMe } from '../../shared/auth.tsx';
import type { MaskedResident } from '../../shared/model.ts';
import { CursorTable } from '../registry/CursorTable.tsx';
import { canEditRegistry } from '../registry/permissions.ts';
import { ResidentTags } from '../registry/ResidentTags.tsx';
import { RevealButton } from '../registry/RevealButton.tsx';
import { useCursorList } from '../registry/useCursorList.ts';

/** 居民查询: residents of the signed-in scope by a fragment of name or address, or by exact ID number. */
export function ResidentsPage() {
  const { t } = useTranslation();
  const { user } = useMe();
  const canReveal = canEditRegistry(user.role);
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const idNumber = params.get('idNumber') ?? '';
  const query = new URLSearchParams({ ...(q ? { q } : {}), ...(idNumber ? { idNumber } : {}), limit: '50' });
  const list = useCursorList<MaskedResident>(q || idNumber ? `/api/people/residents?${query}` : null);

  const columns = [
    { key: 'name', title: t('registry.name'), dataIndex: 'name' },
    { key: 'gender', title: t('registry.gender'), render: (r: MaskedResident) => t(`registry.${r.gender}`) },
    { key: 'birthYear', title: t('registry.birthYear'), dataIndex: 'birthYear' },
    {
      key: 'microgrid',
      title: t('registry.microgrid'),
      render: (r: MaskedResident) => <Link to={`/?unit=${r.microgridCode}`}>{r.microgridCode}</Link>,
    },
    {
      key: 'idNumber',
      title: t('registry.idNumber'),
      render: (r: MaskedResident) =>
        canReveal && r.idNumber ? <RevealButton residentId={r.id} field="idNumber" masked={r.idNumber} /> : r.idNumber,
    },
    {
      key: 'phone',
      title: t('registry.phone'),
      render: (r: MaskedResident) => (canReveal && r.phone ? <RevealButton residentId={r.id} field="phone" masked={r.phone} /> : r.phone),
    },
    { key: 'tags', title: t('registry.tags'), render: (r: MaskedResident) => <ResidentTags tags={r.tags} /> },
  ];
  return (
    <Card title={t('registry.search')}>
      <SearchForm
        initial={{ q, idNumber }}
        onSearch={(values) => setParams(Object.fromEntries(Object.entries(values).filter(([, value]) => value?.trim())))}
      />
      {!q && !idNumber ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('registry.searchStart')} />
      ) : (
        <CursorTable<MaskedResident> list={list} columns={columns} className="resident-table" empty={t('registry.searchEmpty')} />
      )}
    </Card>
  );
}

function SearchForm({
  initial,
  onSearch,
}: {
  initial: { q: string; idNumber: string };
  onSearch: (values: { q?: string; idNumber?: string }) => void;
}) {
  const { t } = useTranslation();
  return (
    <Form layout="inline" initialValues={initial} onFinish={onSearch} style={{ marginBottom: 16 }}>
      <Form.Item name="q">
        <Input placeholder={t('registry.searchHint')} allowClear maxLength={50} style={{ width: 240 }} />
      </Form.Item>
      <Form.Item name="idNumber">
        <Input placeholder={t('registry.searchById')} allowClear maxLength={24} style={{ width: 240 }} autoComplete="off" />
      </Form.Item>
      <Form.Item>
        <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
          {t('registry.searchButton')}
        </Button>
      </Form.Item>
    </Form>
  );
}
