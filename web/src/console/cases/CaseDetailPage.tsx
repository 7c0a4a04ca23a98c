import { ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Descriptions, Empty, Flex, List, Result, Row, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useOutletContext, useParams } from 'react-router-dom';
import { ApiError } from '../../shared/api.ts';
import { caseError, formatTime } from '../../shared/cases.ts';
import type { CaseDetail, OrgNode } from '../../shared/model.ts';
import { useApi } from '../../shared/useApi.ts';
import { CaseActions } from './CaseActions.tsx';
import { departmentsIn, leavesOf, useCatalogue, useUnitNames } from './caseData.ts';
import { CaseMap } from './CaseMap.tsx';
import { Deadline, Photos, StateTag } from './CaseTable.tsx';
import { CaseTimeline } from './CaseTimeline.tsx';

/**
 * One case (/cases/:id, where notifications link): what and where, its state and deadline counting
 * down, the buttons for what the caller may do now, its timeline, its place on a map and who works it.
 */
export function CaseDetailPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const location = useLocation();
  const roots = useOutletContext<OrgNode[]>();
  const answer = useApi<CaseDetail>(`/api/cases/${encodeURIComponent(id)}`);
  // The case as the last action left it: shown even when that action took it out of the caller's sight.
  const [acted, setActed] = useState<CaseDetail | null>(null);
  const catalogue = useCatalogue();
  const fetched = answer.data;
  const kase = acted && acted.id === id && (!fetched || acted.version >= fetched.version) ? acted : fetched;
  const name = useUnitNames(kase ? [kase.areaCode, kase.leadDepartment, ...kase.handlers.map((h) => h.departmentCode)] : []);

  const back = (
    <Button
      style={{ alignSelf: 'flex-start', padding: 0 }}
      type="link"
      icon={<ArrowLeftOutlined />}
      onClick={() => (location.key !== 'default' ? navigate(-1) : navigate('/cases'))}
    >
      {t('cases.back')}
    </Button>
  );
  if (!kase && answer.error instanceof ApiError && answer.error.status === 404) {
    return (
      <Result
        status="404"
        title={t('cases.notFound')}
        subTitle={t('cases.notFoundHint')}
        extra={<Link to="/cases">{t('cases.toList')}</Link>}
      />
    );
  }
  if (!kase && answer.error !== undefined) return <Alert type="error" showIcon title={caseError(answer.error)} />;
  if (!kase) return <Spin style={{ display: 'block', margin: '64px auto' }} />;

  const leaf = leavesOf(catalogue.data).get(kase.categoryCode);
  const condition = leaf?.conditions.find((c) => c.code === kase.conditionCode);
  const reporter = kase.reporterName
    ? [kase.reporterName, kase.reporterContact].filter(Boolean).join(' ')
    : (kase.events.find((e) => e.action === 'report')?.actorLabel ?? '—');
  const refresh = () => {
    setActed(null);
    answer.reload();
  };
  const items = [
    { key: 'category', label: t('cases.category'), children: leaf ? `${leaf.majorName} / ${kase.categoryName}` : kase.categoryName },
    { key: 'condition', label: t('cases.condition'), children: condition ? condition.name : t('cases.notFiled') },
    { key: 'area', label: t('cases.area'), children: name(kase.areaCode) },
    { key: 'address', label: t('cases.address'), children: kase.address },
    { key: 'description', label: t('cases.description'), span: 3, children: kase.description },
    { key: 'source', label: t('cases.source'), children: t(`cases.sources.${kase.source}`, { defaultValue: kase.source }) },
    { key: 'reporter', label: t('cases.reporter'), children: reporter },
    { key: 'reported', label: t('cases.reportedAt'), children: formatTime(kase.createdAt) },
    ...(kase.attachments.length
      ? [{ key: 'attachments', label: t('cases.attachments'), span: 3, children: <Photos refs={kase.attachments} /> }]
      : []),
    ...(kase.handlingDueAt ? [{ key: 'handlingDue', label: t('cases.handlingDue'), children: formatTime(kase.handlingDueAt) }] : []),
    ...(kase.closureType ? [{ key: 'closure', label: t('cases.closureType'), children: t(`cases.closureTypes.${kase.closureType}`) }] : []),
    ...(kase.solved !== null
      ? [
          {
            key: 'rating',
            label: t('cases.rating.title'),
            children: `${t(kase.solved ? 'cases.rating.solved' : 'cases.rating.unsolved')}，${t(kase.satisfied ? 'cases.rating.satisfied' : 'cases.rating.unsatisfied')}`,
          },
        ]
      : []),
  ];

  return (
    <Flex vertical gap={16} className="case-page" data-case={kase.id} data-state={kase.state}>
      {back}
      <Card
        title={
          <Flex gap={8} align="center" wrap>
            <span>{kase.categoryName}</span>
            <StateTag state={kase.state} />
            {kase.overdue && <Tag color="red">{t('cases.overdue')}</Tag>}
            <Typography.Text type="secondary" style={{ fontWeight: 'normal', fontSize: 13 }}>
              {t('cases.number', { id: kase.id })}
            </Typography.Text>
          </Flex>
        }
        extra={
          kase.stageDueAt && (
            <span>
              {t('cases.stageDue', { time: formatTime(kase.stageDueAt) })} <Deadline kase={kase} />
            </span>
          )
        }
      >
        <Descriptions items={items} column={3} size="small" />
        <div style={{ marginTop: 16 }}>
          <CaseActions kase={kase} catalogue={catalogue.data} departments={departmentsIn(roots)} onDone={setActed} onStale={refresh} />
        </div>
      </Card>
      <Row gutter={16}>
        <Col xs={24} lg={14}>
          <Card title={t('cases.timeline')}>
            <CaseTimeline events={kase.events} catalogue={catalogue.data} />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Flex vertical gap={16}>
            <Card title={t('cases.map')}>
              <CaseMap kase={kase} />
            </Card>
            <Card title={t('cases.handlers')}>
              {kase.handlers.length === 0 ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('cases.noHandlers')} />
              ) : (
                <List
                  className="case-handlers"
                  dataSource={kase.handlers}
                  renderItem={(handler) => (
                    <List.Item
                      key={handler.departmentCode}
                      extra={
                        handler.doneAt ? (
                          <Tag color="success">{t('cases.handlerDone')}</Tag>
                        ) : (
                          <Tag color="processing">{t('cases.handlerWorking')}</Tag>
                        )
                      }
                    >
                      <List.Item.Meta
                        title={
                          <Flex gap={8}>
                            <span>{name(handler.departmentCode)}</span>
                            <Tag>{t(handler.role === 'lead' ? 'cases.lead' : 'cases.co')}</Tag>
                          </Flex>
                        }
                        description={
                          handler.doneAt
                            ? t('cases.handlerTimes', { from: formatTime(handler.dispatchedAt), to: formatTime(handler.doneAt) })
                            : t('cases.handlerSince', { from: formatTime(handler.dispatchedAt) })
                        }
                      />
                    </List.Item>
                  )}
                />
              )}
            </Card>
          </Flex>
        </Col>
      </Row>
    </Flex>
  );
}
