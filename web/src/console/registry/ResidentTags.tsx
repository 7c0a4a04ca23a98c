import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ResidentTag } from '../../shared/model.ts';

/** Care-related tags in warm colours, so the people to look after stand out in a list. */
const COLOURS: Record<ResidentTag, string> = {
  living_alone: 'red',
  elderly: 'orange',
  disabled: 'purple',
  orphan: 'purple',
  low_income: 'gold',
  party_member: 'volcano',
};

export function ResidentTags({ tags }: { tags: readonly ResidentTag[] }) {
  const { t } = useTranslation();
  return (
    <>
      {tags.map((tag) => (
        <Tag key={tag} color={COLOURS[tag]} data-tag={tag}>
          {t(`tags.${tag}`)}
        </Tag>
      ))}
    </>
  );
}
