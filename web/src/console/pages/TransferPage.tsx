import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Flex, Input, Space, Table, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useOutletContext } from 'react-router-dom';
import i18n, { errorMessage } from '../../i18n/index.ts';
import { ApiError, uploadFile } from '../../shared/api.ts';
import { useMe } from '../../shared/auth.tsx';
import type { OrgNode } from '../../shared/model.ts';
import { canEditRegistry } from '../registry/permissions.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface SheetResult {
  sheet: string;
  rows: number;
  created?: number;
  updated?: number;
  unchanged?: number;
}

interface TransferResult {
  dryRun: boolean;
  unchanged: boolean;
  sheets: SheetResult[];
}

interface RowProblem {
  sheet: string;
  row: number;
  column: string;
  /** Plain English, as the server says it; `code` and `params` say it in the reader's language. */
  problem: string;
  code?: string;
  params?: Record<string, string | number>;
}

/** A problem in the language on screen, where it has a translation; else the server's sentence. */
function problemText(p: RowProblem): string {
  const key = `transfer.problems.${p.code}`;
  return p.code && i18n.getResource(i18n.language, 'translation', key) !== undefined ? i18n.t(key, p.params) : p.problem;
}

type Outcome = { result: TransferResult } | { problems: RowProblem[]; message: string } | { failure: string };

/** A failure's text: the transfer module's own codes first, then the shared ones. */
function transferError(error: unknown): string {
  if (error instanceof ApiError && error.code.startsWith('transfer.')) {
    const key = `transfer.errors.${error.code.slice('transfer.'.length)}`;
    if (i18n.exists(key)) return i18n.t(key);
  }
  return errorMessage(error);
}

/** 导入导出: the empty template, an import with its row-by-row report, and the export of a unit. */
export function TransferPage() {
  const { t } = useTranslation();
  const roots = useOutletContext<OrgNode[]>();
  const { user } = useMe();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const [dryRun, setDryRun] = useState(false);
  const [unit, setUnit] = useState(roots[0]?.code ?? '');
  const [unmasked, setUnmasked] = useState(false);
  const mayEdit = canEditRegistry(user.role);

  async function send(file: File) {
    setBusy(true);
    setOutcome(null);
    const geojson = /\.(geo)?json$/i.test(file.name);
    const query = new URLSearchParams({ name: file.name, ...(dryRun ? { dryRun: '1' } : {}) });
    try {
      const result = await uploadFile<TransferResult>(`/api/transfer/import?${query}`, file, geojson ? 'application/geo+json' : XLSX);
      setOutcome({ result });
    } catch (error) {
      const problems = error instanceof ApiError ? (error.details?.problems as RowProblem[] | undefined) : undefined;
      setOutcome(problems ? { problems, message: t('transfer.rejected', { count: problems.length }) } : { failure: transferError(error) });
    } finally {
      setBusy(false);
    }
  }

  const exportQuery = new URLSearchParams({ ...(unit ? { unit } : {}), ...(unmasked ? { unmasked: '1' } : {}) });
  return (
    <Flex vertical gap={16}>
      <Card title={t('transfer.title')}>
        <Typography.Paragraph type="secondary">{t('transfer.intro')}</Typography.Paragraph>
        <Button icon={<DownloadOutlined />} href="/api/transfer/template.xlsx">
          {t('transfer.template')}
        </Button>
      </Card>

      {mayEdit && (
        <Card title={t('transfer.import')}>
          <Space wrap>
            <Upload
              accept=".xlsx,.geojson,.json"
              showUploadList={false}
              beforeUpload={(file) => {
                void send(file);
                return false;
              }}
            >
              <Button type="primary" icon={<UploadOutlined />} loading={busy}>
                {t('transfer.choose')}
              </Button>
            </Upload>
            <Checkbox checked={dryRun} onChange={(e) => setDryRun(e.target.checked)}>
              {t('transfer.dryRun')}
            </Checkbox>
          </Space>
          <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
            {t('transfer.importHint')}
          </Typography.Paragraph>
          {outcome && <ImportOutcome outcome={outcome} />}
        </Card>
      )}

      <Card title={t('transfer.export')}>
        <Space wrap>
          <Input
            addonBefore={t('transfer.unit')}
            value={unit}
            onChange={(e) => setUnit(e.target.value.trim())}
            style={{ width: 280 }}
            aria-label={t('transfer.unit')}
          />
          {mayEdit && (
            <Checkbox checked={unmasked} onChange={(e) => setUnmasked(e.target.checked)}>
              {t('transfer.unmasked')}
            </Checkbox>
          )}
          <Button icon={<DownloadOutlined />} href={`/api/transfer/export.xlsx?${exportQuery}`}>
            {t('transfer.exportButton')}
          </Button>
        </Space>
        <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
          {t(unmasked ? 'transfer.unmaskedHint' : 'transfer.maskedHint')}
        </Typography.Paragraph>
      </Card>
    </Flex>
  );
}

function ImportOutcome({ outcome }: { outcome: Outcome }) {
  const { t } = useTranslation();
  if ('failure' in outcome) return <Alert type="error" showIcon title={outcome.failure} />;
  if ('problems' in outcome) {
    const columns = [
      { key: 'sheet', title: t('transfer.sheet'), dataIndex: 'sheet', width: 120 },
      { key: 'row', title: t('transfer.row'), dataIndex: 'row', width: 80 },
      { key: 'column', title: t('transfer.column'), dataIndex: 'column', width: 140 },
      { key: 'problem', title: t('transfer.problem'), render: (p: RowProblem) => problemText(p) },
    ];
    return (
      <Flex vertical gap={12} className="transfer-report">
        <Alert type="error" showIcon title={outcome.message} />
        <Table<RowProblem>
          rowKey={(p) => `${p.sheet}:${p.row}:${p.column}:${p.problem}`}
          size="small"
          columns={columns}
          dataSource={outcome.problems}
          pagination={outcome.problems.length > 50 ? { pageSize: 50 } : false}
        />
      </Flex>
    );
  }
  const { result } = outcome;
  const title = result.dryRun ? t('transfer.valid') : result.unchanged ? t('transfer.unchanged') : t('transfer.imported');
  const columns = [
    { key: 'sheet', title: t('transfer.sheet'), dataIndex: 'sheet' },
    { key: 'rows', title: t('transfer.rows'), dataIndex: 'rows' },
    ...(result.dryRun
      ? []
      : [
          { key: 'created', title: t('transfer.created'), dataIndex: 'created' },
          { key: 'updated', title: t('transfer.updated'), dataIndex: 'updated' },
          { key: 'unchanged', title: t('transfer.same'), dataIndex: 'unchanged' },
        ]),
  ];
  return (
    <Flex vertical gap={12} className="transfer-result">
      <Alert type="success" showIcon title={title} />
      <Table<SheetResult> rowKey="sheet" size="small" columns={columns} dataSource={result.sheets} pagination={false} />
    </Flex>
  );
}
