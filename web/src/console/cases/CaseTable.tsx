import { Flex, Image, Tag, Typography, type TableColumnsType } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { countdown, fileUrl, formatTime, isFileRef, OPEN_STATES, stateColor, stateLabel, useNow } from '../../shared/cases.ts';
import type { CaseState, CaseSummary } from '../../shared/model.ts';
import { CursorTable } from '../registry/CursorTable.tsx';
import { useCursorList } from '../registry/useCursorList.ts';
import { useUnitNames } from './caseData.ts';

/** The stage deadline of an open case, counting down every second; red once it has passed. */
export function Deadline({ kase }: { kase: Pick<CaseSummary, 'state' | 'stageDueAt'> }) {
  const now = useNow();
  if (!kase.stageDueAt || !OPEN_STATES.includes(kase.state)) return <Typography.Text type="secondary">—</Typography.Text>;
  const { overdue, text } = countdown(kase.stageDueAt, now);
  return (
    <Typography.Text
      type={overdue ? 'danger' : undefined}
      strong={overdue}
      className={overdue ? 'case-deadline case-deadline--overdue' : 'case-deadline'}
    >
      {text}
    </Typography.Text>
  );
}

export function StateTag({ state }: { state: CaseState | string }) {
  return (
    <Tag color={stateColor(state)} data-state={state}>
      {stateLabel(state)}
    </Tag>
  );
}

/** One cursor-paged list of cases (`path`: a `GET /api/cases?...` URL), newest first, each opening its page. */
export function CaseTable({
  path,
  className,
  empty,
  department = false,
}: {
  path: string;
  className: string;
  empty: ReactNode;
  department?: boolean;
}) {
  const list = useCursorList<CaseSummary>(path);
  return <CaseRows list={list} className={className} empty={empty} department={department} />;
}

export function CaseRows({
  list,
  className,
  empty,
  department = false,
}: {
  list: ReturnType<typeof useCursorList<CaseSummary>>;
  className: string;
  empty: ReactNode;
  /** A department's view: who leads matters less than where. */
  department?: boolean;
}) {
  const { t } = useTranslation();
  const name = useUnitNames(list.items.flatMap((kase) => [kase.areaCode, department ? null : kase.leadDepartment]));
  const columns: TableColumnsType<CaseSummary> = [
    {
      key: 'case',
      title: t('cases.case'),
      render: (kase: CaseSummary) => (
        <Flex vertical gap={2} style={{ minWidth: 180, maxWidth: 360 }}>
          <Link to={`/cases/${kase.id}`} className="case-link">
            {kase.categoryName}
          </Link>
          <Typography.Text type="secondary" ellipsis={{ tooltip: kase.description }}>
            {kase.description}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      key: 'place',
      title: t('cases.place'),
      width: 240,
      render: (kase: CaseSummary) => (
        <Flex vertical gap={2}>
          <span>{kase.address}</span>
          {/* A report without an address is placed by its unit's name: said once is enough. */}
          {name(kase.areaCode) !== kase.address && <Typography.Text type="secondary">{name(kase.areaCode)}</Typography.Text>}
        </Flex>
      ),
    },
    {
      key: 'state',
      title: t('cases.state'),
      width: 150,
      render: (kase: CaseSummary) => (
        <Flex gap={4} wrap>
          <StateTag state={kase.state} />
          {kase.overdue && <Tag color="red">{t('cases.overdue')}</Tag>}
        </Flex>
      ),
    },
    ...(department
      ? []
      : [
          {
            key: 'lead',
            title: t('cases.leadDepartment'),
            width: 140,
            render: (kase: CaseSummary) => (kase.leadDepartment ? name(kase.leadDepartment) : '—'),
          },
        ]),
    { key: 'deadline', title: t('cases.deadline'), width: 170, render: (kase: CaseSummary) => <Deadline kase={kase} /> },
    { key: 'reported', title: t('cases.reportedAt'), width: 160, render: (kase: CaseSummary) => formatTime(kase.createdAt) },
  ];
  return <CursorTable<CaseSummary> list={list} columns={columns} className={className} empty={empty} />;
}

/** The case's photos, small, each opening full size; a reference that is not a stored photo shows as text. */
export function Photos({ refs }: { refs: string[] }) {
  return (
    <Image.PreviewGroup>
      <Flex gap={8} wrap className="case-photos">
        {refs.map((ref) =>
          isFileRef(ref) ? (
            <Image key={ref} src={fileUrl(ref)} width={72} height={72} style={{ objectFit: 'cover', borderRadius: 4 }} data-ref={ref} />
          ) : (
            <Typography.Text key={ref}>{ref}</Typography.Text>
          ),
        )}
      </Flex>
    </Image.PreviewGroup>
  );
}
