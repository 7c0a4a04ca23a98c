import { Space, Tag } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import type { ResidentTag } from '../../shared/model.ts';
import { TAG_ORDER } from './households.ts';

/** Care-related tags stand out (warm colours); the rest stay quiet. */
const COLOURS: Record<ResidentTag, string> = {
  living_alone: 'danger',
  elderly: 'warning',
  disabled: 'primary',
  orphan: 'primary',
  low_income: 'default',
  party_member: 'danger',
};

export function ResidentTags({ tags }: { tags: readonly ResidentTag[] }) {
  const { t } = useTranslation();
  if (tags.length === 0) return null;
  const sorted = [...tags].sort((a, b) => TAG_ORDER.indexOf(a) - TAG_ORDER.indexOf(b));
  return (
    <Space wrap style={{ '--gap': '4px' }}>
      {sorted.map((tag) => (
        <Tag key={tag} color={COLOURS[tag]} fill={tag === 'party_member' ? 'outline' : 'solid'} data-tag={tag}>
          {t(`tags.${tag}`)}
        </Tag>
      ))}
    </Space>
  );
}
