import { Checkbox, Form, Input, Radio } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ResidentInput, ResidentTag } from '../../shared/model.ts';

export const RESIDENT_TAGS: ResidentTag[] = ['living_alone', 'elderly', 'disabled', 'orphan', 'low_income', 'party_member'];

export interface ResidentValues {
  name: string;
  gender: 'male' | 'female';
  birthDate?: string;
  idNumber?: string;
  phone?: string;
  healthNotes?: string;
  tags?: ResidentTag[];
}

/**
 * The fields of one resident inside a form (under `prefix`, e.g. ['members', 0]). Personal fields are
 * never filled in from the server (it only has them masked): on an edit, blank means "keep as it is".
 */
export function ResidentFields({ prefix = [], editing = false }: { prefix?: (string | number)[]; editing?: boolean }) {
  const { t } = useTranslation();
  const name = (field: string) => [...prefix, field];
  const keep = editing ? t('registry.personalHint') : undefined;
  return (
    <>
      <Form.Item name={name('name')} label={t('registry.name')} rules={[{ required: true, whitespace: true, max: 40 }]}>
        <Input maxLength={40} />
      </Form.Item>
      <Form.Item name={name('gender')} label={t('registry.gender')} rules={[{ required: true }]}>
        <Radio.Group
          options={[
            { value: 'female', label: t('registry.female') },
            { value: 'male', label: t('registry.male') },
          ]}
        />
      </Form.Item>
      <Form.Item name={name('birthDate')} label={t('registry.birthDate')}>
        <Input type="date" />
      </Form.Item>
      <Form.Item
        name={name('idNumber')}
        label={t('registry.idNumber')}
        extra={keep}
        rules={[{ pattern: /^\s*\d{6}\s*\d{8}\s*\d{3}[\dxX]\s*$/, message: t('errors.people.invalid_resident') }]}
      >
        <Input maxLength={24} autoComplete="off" />
      </Form.Item>
      <Form.Item
        name={name('phone')}
        label={t('registry.phone')}
        rules={[{ pattern: /^\s*1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}\s*$/, message: t('errors.people.invalid_resident') }]}
      >
        <Input maxLength={20} autoComplete="off" />
      </Form.Item>
      <Form.Item name={name('healthNotes')} label={t('registry.healthNotes')}>
        <Input.TextArea maxLength={500} rows={2} />
      </Form.Item>
      <Form.Item name={name('tags')} label={t('registry.tags')}>
        <Checkbox.Group options={RESIDENT_TAGS.map((tag) => ({ value: tag, label: t(`tags.${tag}`) }))} />
      </Form.Item>
    </>
  );
}

const blankToNull = (value: string | undefined) => (value?.trim() ? value.trim() : null);

/** A new resident as the API takes it. */
export function newResident(values: ResidentValues): ResidentInput {
  return {
    name: values.name.trim(),
    gender: values.gender,
    birthDate: blankToNull(values.birthDate),
    idNumber: blankToNull(values.idNumber),
    phone: blankToNull(values.phone),
    healthNotes: blankToNull(values.healthNotes),
    tags: values.tags ?? [],
  };
}

/** An edit: the visible fields as they are now, personal fields only when something was typed. */
export function residentChanges(values: ResidentValues): Partial<ResidentInput> {
  const { idNumber, phone, healthNotes, ...rest } = newResident(values);
  return { ...rest, ...(idNumber ? { idNumber } : {}), ...(phone ? { phone } : {}), ...(healthNotes ? { healthNotes } : {}) };
}
