import { Card, Tag } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import type { Household } from '../../shared/model.ts';
import { householdNeedsCare } from './households.ts';
import { ResidentTags } from './ResidentTags.tsx';

/** One household on the list: its address, its members masked, and a mark when an elderly member lives alone. */
export function HouseholdCard({ household, onOpen }: { household: Household; onOpen: () => void }) {
  const { t } = useTranslation();
  const care = householdNeedsCare(household);
  return (
    <Card
      className={care ? 'household-card household-card--care' : 'household-card'}
      data-household={household.id}
      onClick={onOpen}
      title={household.address}
      extra={
        care ? <Tag color="danger">{t('mobile.livingAloneElderly')}</Tag> : t('mobile.memberCount', { count: household.members.length })
      }
      style={{ margin: '8px 12px', borderLeft: care ? '4px solid var(--adm-color-danger)' : undefined }}
    >
      {household.members.length === 0 && <span style={{ color: 'var(--adm-color-weak)' }}>{t('mobile.noMembers')}</span>}
      {household.members.map((member) => (
        <div key={member.id} style={{ display: 'flex', alignItems: 'center', gap: 8, padding: '4px 0', flexWrap: 'wrap' }}>
          <span style={{ minWidth: '3.5em' }}>{member.name}</span>
          {member.phone && <span style={{ color: 'var(--adm-color-weak)', fontSize: 13 }}>{member.phone}</span>}
          <ResidentTags tags={member.tags} />
        </div>
      ))}
    </Card>
  );
}
