import { Button, List } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../i18n/index.ts';
import type { MaskedResident } from '../../shared/model.ts';
import { livesAloneElderly } from './households.ts';
import { ResidentTags } from './ResidentTags.tsx';
import type { useCall } from './useCall.ts';

type Call = ReturnType<typeof useCall>;

/** A member of a household: who they are (masked), their tags, and a call button when a phone is on record. */
export function MemberItem({ member, call }: { member: MaskedResident; call: Call }) {
  const { t } = useTranslation();
  const mine = call.state.status !== 'idle' && call.state.residentId === member.id ? call.state : undefined;
  const about = [
    t(`mobile.gender.${member.gender}`),
    member.birthYear === null ? null : t('mobile.age', { count: new Date().getFullYear() - member.birthYear }),
  ]
    .filter(Boolean)
    .join(' · ');

  return (
    <List.Item
      data-resident={member.id}
      style={livesAloneElderly(member) ? { background: '#fff7e6' } : undefined}
      description={
        <>
          <div>{about}</div>
          <div>{member.phone ? t('mobile.phone', { phone: member.phone }) : t('mobile.noPhone')}</div>
          <div style={{ marginTop: 4 }}>
            <ResidentTags tags={member.tags} />
          </div>
          {mine?.status === 'shown' && (
            <div role="status" className="revealed-phone" style={{ marginTop: 6, color: 'var(--adm-color-text)', fontSize: 17 }}>
              {t('mobile.calling', { phone: mine.phone })}
            </div>
          )}
          {mine?.status === 'noPhone' && <div role="alert">{t('mobile.noPhone')}</div>}
          {mine?.status === 'failed' && (
            <div role="alert" style={{ color: 'var(--adm-color-danger)' }}>
              {errorMessage(mine.error)}
            </div>
          )}
        </>
      }
      extra={
        member.phone && (
          <Button
            color="primary"
            size="small"
            loading={mine?.status === 'revealing'}
            disabled={call.state.status === 'revealing'}
            onClick={() => void call.call(member.id)}
          >
            {t('mobile.call')}
          </Button>
        )
      }
    >
      {member.name}
    </List.Item>
  );
}
