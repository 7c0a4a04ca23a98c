import { Alert, Button, Flex, Form, Input, InputNumber, message, Modal, Radio, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api.ts';
import { actionLabel, caseError, limitLabel } from '../../shared/cases.ts';
import type { CaseActionInput, CaseCatalogue, CaseDetail, Limit, LimitUnit, OrgUnit } from '../../shared/model.ts';
import { actOnCase, leavesOf } from './caseData.ts';

/** Actions the workflow refuses without a note (`needsNote` in cases.workflow.ts). */
export const NEEDS_NOTE = new Set([
  'refuse',
  'return',
  'co_feedback',
  'feedback',
  'request_extension',
  'reject_extension',
  'request_parking',
  'reject_parking',
  'fail_check',
  'close_special',
  'supervise',
]);

/** The actions that move a case forward: the primary buttons. */
const FORWARD = new Set([
  'verify',
  'file',
  'dispatch',
  'feedback',
  'co_feedback',
  'pass_check',
  'evaluate',
  'approve_extension',
  'approve_parking',
  'resume',
]);
const BACKWARD = new Set(['refuse', 'return', 'fail_check', 'close_special', 'reject_extension', 'reject_parking']);

const LIMIT_UNITS: LimitUnit[] = ['working_days', 'working_hours', 'calendar_days', 'urgent_hours'];
const DEPARTMENT_CODE = /^\d+D\d{2,}$/;

interface Values {
  note?: string;
  categoryCode?: string;
  conditionCode?: string;
  routing?: 'rule' | 'pick';
  leadDepartment?: string;
  coHandlers?: string[];
  extension?: Limit;
  closureType?: 'error' | 'special';
  solved?: boolean;
  satisfied?: boolean;
}

/**
 * One button for each action the server says the caller may take now (`allowedActions`), each
 * opening the form its fields need; the answer is the case as it then stands. A refusal because
 * the case moved on meanwhile (409) shows why and asks for the case afresh.
 */
export function CaseActions({
  kase,
  catalogue,
  departments,
  onDone,
  onStale,
}: {
  kase: CaseDetail;
  catalogue?: CaseCatalogue;
  departments: OrgUnit[];
  onDone: (kase: CaseDetail) => void;
  onStale: () => void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<string | null>(null);
  if (kase.allowedActions.length === 0) return <Typography.Text type="secondary">{t('cases.noActions')}</Typography.Text>;
  return (
    <>
      <Space wrap className="case-actions">
        {kase.allowedActions.map((action) => (
          <Button
            key={action}
            type={FORWARD.has(action) ? 'primary' : 'default'}
            danger={BACKWARD.has(action)}
            onClick={() => setOpen(action)}
            data-action={action}
          >
            {actionLabel(action)}
          </Button>
        ))}
      </Space>
      {open && (
        <ActionModal
          key={open}
          action={open}
          kase={kase}
          catalogue={catalogue}
          departments={departments}
          onClose={() => setOpen(null)}
          onDone={onDone}
          onStale={onStale}
        />
      )}
    </>
  );
}

function ActionModal({
  action,
  kase,
  catalogue,
  departments,
  onClose,
  onDone,
  onStale,
}: {
  action: string;
  kase: CaseDetail;
  catalogue?: CaseCatalogue;
  departments: OrgUnit[];
  onClose: () => void;
  onDone: (kase: CaseDetail) => void;
  onStale: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);

  async function submit(values: Values) {
    const input: CaseActionInput = { action, version: kase.version, ...(values.note?.trim() ? { note: values.note.trim() } : {}) };
    if (action === 'file') Object.assign(input, { categoryCode: values.categoryCode, conditionCode: values.conditionCode });
    if (action === 'dispatch' && values.routing === 'pick') {
      Object.assign(input, {
        leadDepartment: values.leadDepartment?.trim(),
        coHandlers: (values.coHandlers ?? []).map((code) => code.trim()),
      });
    }
    if (action === 'request_extension') input.extension = values.extension;
    if (action === 'close_special') input.closureType = values.closureType;
    if (action === 'evaluate') Object.assign(input, { solved: values.solved, satisfied: values.satisfied });
    setBusy(true);
    try {
      const after = await actOnCase(kase.id, input);
      void message.success(t('cases.done', { action: actionLabel(action) }));
      onClose();
      onDone(after);
    } catch (error) {
      void message.error(caseError(error));
      if (error instanceof ApiError && error.status === 409) {
        onClose();
        onStale();
      }
    } finally {
      setBusy(false);
    }
  }

  const initialValues: Values = {
    routing: 'rule',
    categoryCode: kase.categoryCode,
    extension: { amount: 1, unit: 'working_days' },
  };
  return (
    <Modal
      title={actionLabel(action)}
      open
      confirmLoading={busy}
      okText={t('cases.confirm', { action: actionLabel(action) })}
      cancelText={t('registry.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
      okButtonProps={{ danger: BACKWARD.has(action) }}
    >
      <Form<Values> form={form} layout="vertical" initialValues={initialValues} preserve={false} onFinish={(values) => void submit(values)}>
        {action === 'file' && <FileFields form={form} catalogue={catalogue} />}
        {action === 'dispatch' && <DispatchFields form={form} departments={departments} />}
        {action === 'request_extension' && (
          <Form.Item label={t('cases.form.extension')} required>
            <Space.Compact>
              <Form.Item name={['extension', 'amount']} noStyle rules={[{ required: true, message: t('cases.form.extensionRequired') }]}>
                <InputNumber min={0.5} max={10000} step={1} aria-label={t('cases.form.extensionAmount')} />
              </Form.Item>
              <Form.Item name={['extension', 'unit']} noStyle>
                <Select
                  style={{ width: 140 }}
                  aria-label={t('cases.form.extensionUnit')}
                  options={LIMIT_UNITS.map((unit) => ({ value: unit, label: t(`cases.limitUnitNames.${unit}`) }))}
                />
              </Form.Item>
            </Space.Compact>
          </Form.Item>
        )}
        {action === 'approve_extension' && <RequestedExtension kase={kase} />}
        {action === 'close_special' && (
          <Form.Item
            name="closureType"
            label={t('cases.form.closureType')}
            rules={[{ required: true, message: t('cases.form.closureTypeRequired') }]}
          >
            <Radio.Group
              options={[
                { value: 'error', label: t('cases.closureTypes.error') },
                { value: 'special', label: t('cases.closureTypes.special') },
              ]}
            />
          </Form.Item>
        )}
        {action === 'evaluate' && (
          <>
            <Form.Item name="solved" label={t('cases.form.solved')} rules={[{ required: true, message: t('cases.form.ratingRequired') }]}>
              <Radio.Group
                options={[
                  { value: true, label: t('cases.rating.yesSolved') },
                  { value: false, label: t('cases.rating.notSolved') },
                ]}
              />
            </Form.Item>
            <Form.Item
              name="satisfied"
              label={t('cases.form.satisfied')}
              rules={[{ required: true, message: t('cases.form.ratingRequired') }]}
            >
              <Radio.Group
                options={[
                  { value: true, label: t('cases.rating.satisfied') },
                  { value: false, label: t('cases.rating.unsatisfied') },
                ]}
              />
            </Form.Item>
          </>
        )}
        <Form.Item
          name="note"
          label={t(NEEDS_NOTE.has(action) ? `cases.noteLabels.${action}` : 'cases.form.note')}
          rules={NEEDS_NOTE.has(action) ? [{ required: true, whitespace: true, message: t('cases.form.noteRequired') }] : []}
        >
          <Input.TextArea rows={3} maxLength={1000} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 立案: the leaf category (the reporter's choice by default) and its filing condition, which sets the time limit. */
function FileFields({ form, catalogue }: { form: ReturnType<typeof Form.useForm<Values>>[0]; catalogue?: CaseCatalogue }) {
  const { t } = useTranslation();
  const categoryCode = Form.useWatch('categoryCode', form);
  const leaves = leavesOf(catalogue);
  const conditions = (categoryCode && leaves.get(categoryCode)?.conditions) || [];
  return (
    <>
      <Form.Item name="categoryCode" label={t('cases.form.category')} rules={[{ required: true }]}>
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          loading={!catalogue}
          onChange={() => form.setFieldValue('conditionCode', undefined)}
          options={(catalogue?.majors ?? []).map((major) => ({
            label: major.name,
            title: major.name,
            options: major.leaves
              .filter((leaf) => leaf.active)
              .map((leaf) => ({ value: leaf.code, label: `${leaf.name}（${leaf.code}）` })),
          }))}
        />
      </Form.Item>
      <Form.Item
        name="conditionCode"
        label={t('cases.form.condition')}
        rules={[{ required: true, message: t('cases.form.conditionRequired') }]}
      >
        <Select
          className="case-condition-select"
          options={conditions.map((condition) => ({ value: condition.code, label: `${condition.name}（${limitLabel(condition.limit)}）` }))}
          notFoundContent={t('cases.form.noConditions')}
        />
      </Form.Item>
    </>
  );
}

/**
 * 派遣: by the routing rules (the server picks the departments for the category and place) or to
 * departments chosen here. Only district-wide accounts can list the departments; others type a code.
 */
function DispatchFields({ form, departments }: { form: ReturnType<typeof Form.useForm<Values>>[0]; departments: OrgUnit[] }) {
  const { t } = useTranslation();
  const routing = Form.useWatch('routing', form);
  const options = departments.map((unit) => ({ value: unit.code, label: unit.name }));
  const codeRule = { pattern: DEPARTMENT_CODE, message: t('cases.form.departmentCode') };
  return (
    <>
      <Form.Item name="routing" label={t('cases.form.routing')}>
        <Radio.Group
          options={[
            { value: 'rule', label: t('cases.form.byRule') },
            { value: 'pick', label: t('cases.form.pick') },
          ]}
        />
      </Form.Item>
      {routing === 'rule' && <Alert type="info" showIcon title={t('cases.form.byRuleHint')} style={{ marginBottom: 16 }} />}
      {routing === 'pick' && (
        <>
          {options.length === 0 && <Alert type="warning" showIcon title={t('cases.form.noDepartmentList')} style={{ marginBottom: 16 }} />}
          <Form.Item
            name="leadDepartment"
            label={t('cases.form.lead')}
            rules={[{ required: true, message: t('cases.form.leadRequired') }, codeRule]}
          >
            {options.length > 0 ? (
              <Select showSearch={{ optionFilterProp: 'label' }} options={options} />
            ) : (
              <Input placeholder="410804D01" />
            )}
          </Form.Item>
          <Form.Item
            name="coHandlers"
            label={t('cases.form.co')}
            rules={[
              {
                validator: (_rule, value?: string[]) =>
                  (value ?? []).every((code) => DEPARTMENT_CODE.test(code.trim()))
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('cases.form.departmentCode'))),
              },
            ]}
          >
            <Select
              mode="tags"
              options={options}
              tokenSeparators={[',', '，', ' ']}
              showSearch={{ optionFilterProp: 'label' }}
              maxCount={10}
            />
          </Form.Item>
        </>
      )}
    </>
  );
}

/** What the department asked for, so the approver sees it before saying yes. */
function RequestedExtension({ kase }: { kase: CaseDetail }) {
  const { t } = useTranslation();
  const request = [...kase.events].reverse().find((event) => event.action === 'request_extension');
  const extension = request?.details.extension as Limit | undefined;
  if (!extension) return null;
  return (
    <Flex vertical style={{ marginBottom: 16 }}>
      <Typography.Text>{t('cases.form.requested', { limit: limitLabel(extension) })}</Typography.Text>
      {request?.note && <Typography.Text type="secondary">{request.note}</Typography.Text>}
    </Flex>
  );
}
