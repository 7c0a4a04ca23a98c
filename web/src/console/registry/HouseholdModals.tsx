import { Alert, AutoComplete, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api.ts';
import type { Household, MaskedResident, OrgNode } from '../../shared/model.ts';
import { useApi } from '../../shared/useApi.ts';
import { FormModal } from './FormModal.tsx';
import { newResident, ResidentFields, residentChanges, type ResidentValues } from './ResidentFields.tsx';

/** What is being edited on the households list, and so which modal is open. */
export type HouseholdEdit =
  | { kind: 'register' }
  | { kind: 'address'; household: Household }
  | { kind: 'move'; household: Household }
  | { kind: 'addMember'; household: Household }
  | { kind: 'editResident'; resident: MaskedResident };

interface ModalProps {
  edit: HouseholdEdit | null;
  microgridCode: string;
  /** The micro-grid's grid: its other micro-grids are where a household usually moves. */
  gridCode: string | null;
  onClose: () => void;
  onDone: () => void;
}

/** The one modal open for `edit`, or nothing. */
export function HouseholdModals({ edit, microgridCode, gridCode, onClose, onDone }: ModalProps) {
  const { t } = useTranslation();
  const common = { open: true, onClose, onDone };
  switch (edit?.kind) {
    case undefined:
      return null;
    case 'register':
      return (
        <FormModal<{ address: string; member: ResidentValues }>
          {...common}
          title={t('registry.register')}
          initialValues={{ member: { gender: 'female' } as ResidentValues }}
          submit={({ address, member }) => api.post('/api/people/households', { microgridCode, address, members: [newResident(member)] })}
        >
          <Form.Item name="address" label={t('registry.address')} rules={[{ required: true, whitespace: true, min: 2, max: 120 }]}>
            <Input maxLength={120} />
          </Form.Item>
          <ResidentFields prefix={['member']} />
        </FormModal>
      );
    case 'address':
      return (
        <FormModal<{ address: string }>
          {...common}
          title={t('registry.editAddress')}
          initialValues={{ address: edit.household.address }}
          submit={({ address }) => api.patch(`/api/people/households/${edit.household.id}`, { version: edit.household.version, address })}
        >
          <Form.Item name="address" label={t('registry.address')} rules={[{ required: true, whitespace: true, min: 2, max: 120 }]}>
            <Input maxLength={120} />
          </Form.Item>
        </FormModal>
      );
    case 'move':
      return <MoveModal {...common} household={edit.household} microgridCode={microgridCode} gridCode={gridCode} />;
    case 'addMember':
      return (
        <FormModal<ResidentValues>
          {...common}
          title={`${t('registry.addMember')} · ${edit.household.address}`}
          initialValues={{ gender: 'female' }}
          submit={(values) => api.post(`/api/people/households/${edit.household.id}/members`, newResident(values))}
        >
          <ResidentFields />
        </FormModal>
      );
    case 'editResident':
      return (
        <FormModal<ResidentValues>
          {...common}
          title={`${t('registry.editResident')} · ${edit.resident.name}`}
          initialValues={{ gender: edit.resident.gender, tags: edit.resident.tags }}
          submit={(values) =>
            api.patch(`/api/people/residents/${edit.resident.id}`, { version: edit.resident.version, ...residentChanges(values) })
          }
        >
          <ResidentFields editing />
        </FormModal>
      );
  }
}

function MoveModal({
  household,
  microgridCode,
  gridCode,
  onClose,
  onDone,
}: { household: Household; microgridCode: string; gridCode: string | null } & Pick<ModalProps, 'onClose' | 'onDone'>) {
  const { t } = useTranslation();
  const siblings = useApi<{ children: OrgNode[] }>(gridCode && `/api/org/units/${gridCode}/children`);
  const options = (siblings.data?.children ?? [])
    .filter((unit) => unit.level === 'microgrid' && unit.code !== microgridCode)
    .map((unit) => ({ value: unit.code, label: `${unit.name} (${unit.code})` }));
  return (
    <FormModal<{ microgridCode: string }>
      open
      onClose={onClose}
      onDone={onDone}
      title={`${t('registry.move')} · ${household.address}`}
      submit={({ microgridCode: target }) =>
        api.patch(`/api/people/households/${household.id}`, { version: household.version, microgridCode: target.trim() })
      }
    >
      <Alert type="info" showIcon title={t('registry.moveHint')} style={{ marginBottom: 16 }} />
      <Form.Item name="microgridCode" label={t('registry.moveTo')} rules={[{ required: true, pattern: /^\s*\d+\s*$/ }]}>
        {/* The grid's other micro-grids to pick from; one of another grid is typed in by its code. */}
        <AutoComplete
          options={options}
          placeholder={t('registry.moveToHint')}
          filterOption={(typed, option) => !!option && (option.label.includes(typed) || option.value.startsWith(typed.trim()))}
        />
      </Form.Item>
    </FormModal>
  );
}
