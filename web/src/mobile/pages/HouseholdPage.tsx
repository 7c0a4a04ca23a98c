import { List, Tag } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useParams } from 'react-router-dom';
import type { Household } from '../../shared/model.ts';
import { Empty, Failure, Loading } from '../Blocks.tsx';
import { allHouseholds, householdNeedsCare, isNotFound } from '../people/households.ts';
import { MemberItem } from '../people/MemberItem.tsx';
import { useCall } from '../people/useCall.ts';

/** One household and its members, each with a call button. */
export function HouseholdPage() {
  const { t } = useTranslation();
  const { code = '', id = '' } = useParams();
  const answer = useHousehold(code, id);
  const call = useCall();

  if (answer.household === null || isNotFound(answer.error)) return <Empty title={t('mobile.householdGone')} />;
  if (answer.error !== undefined) return <Failure error={answer.error} />;
  if (answer.household === undefined) return <Loading />;

  const household = answer.household;
  return (
    <List
      header={
        <div style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
          <span className="household-address" style={{ fontSize: 17, color: 'var(--adm-color-text)' }}>
            {household.address}
          </span>
          {householdNeedsCare(household) && <Tag color="danger">{t('mobile.livingAloneElderly')}</Tag>}
        </div>
      }
    >
      {household.members.length === 0 && <List.Item>{t('mobile.noMembers')}</List.Item>}
      {household.members.map((member) => (
        <MemberItem key={member.id} member={member} call={call} />
      ))}
    </List>
  );
}

/**
 * The household the list handed over in the navigation state (masked data only), or, on a link
 * opened afresh, found among its micro-grid's households: null when it is not there.
 */
function useHousehold(code: string, id: string): { household?: Household | null; error?: unknown } {
  const handed = (useLocation().state as { household?: Household } | null)?.household;
  const given = handed?.id === id ? handed : undefined;
  const [found, setFound] = useState<{ key: string; household?: Household | null; error?: unknown }>({ key: '' });
  const key = `${code}/${id}`;

  useEffect(() => {
    if (given) return;
    let current = true;
    allHouseholds(code).then(
      ({ households }) => current && setFound({ key, household: households.find((household) => household.id === id) ?? null }),
      (error: unknown) => current && setFound({ key, error }),
    );
    return () => {
      current = false;
    };
  }, [code, id, key, given]);

  if (given) return { household: given };
  return found.key === key ? found : {};
}
