import { Alert, Button, Flex, Table, type TableColumnsType } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../i18n/index.ts';
import type { useCursorList } from './useCursorList.ts';

/** A table of a cursor-paged list: its failure, its rows, and "load more" while there are more. */
export function CursorTable<T extends { id: string }>({
  list,
  columns,
  className,
  empty,
}: {
  list: ReturnType<typeof useCursorList<T>>;
  columns: TableColumnsType<T>;
  className: string;
  empty: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <>
      {list.error !== undefined && <Alert type="error" showIcon title={errorMessage(list.error)} style={{ marginBottom: 12 }} />}
      <Table<T>
        rowKey="id"
        className={className}
        columns={columns}
        dataSource={list.items}
        loading={list.loading}
        pagination={false}
        locale={{ emptyText: empty }}
      />
      {list.hasMore && (
        <Flex justify="center" style={{ marginTop: 12 }}>
          <Button onClick={list.loadMore} loading={list.loading}>
            {t('registry.loadMore')}
          </Button>
        </Flex>
      )}
    </>
  );
}
