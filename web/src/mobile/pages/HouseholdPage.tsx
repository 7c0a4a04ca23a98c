import { List, Tag } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useParams } from 'react-router-dom';
import type { Household } from '../../shared/model.ts';
import { useApi } from '../../shared/useApi.ts';
import { Empty, Failure, Loading } from '../Blocks.tsx';
import { householdNeedsCare, isNotFound } from '../people/households.ts';
import { MemberItem } from '../people/MemberItem.tsx';
import { useCall } from '../people/useCall.ts';

/** One household and its members, each with a call button. */
export function HouseholdPage() {
  const { t } = useTranslation();
  const { code = '', id = '' } = useParams();
  const answer = useHousehold(id);
  const call = useCall();

  if (isNotFound(answer.error)) return <Empty title={t('mobile.householdGone')} />;
  if (answer.error !== undefined) return <Failure error={answer.error} />;
  if (answer.household === undefined) return <Loading />;

  const household = answer.household;
  // A link naming another micro-grid (the household has moved within the worker's micro-grids): show it
  // under its own, so that "back" leads to the list it is on.
  if (household.microgridCode !== code) {
    return <Navigate to={`/grids/${household.microgridCode}/households/${household.id}`} state={{ household }} replace />;
  }
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
 * opened afresh, `GET /api/people/households/:id` (masked; 404 outside the worker's micro-grids).
 */
function useHousehold(id: string): { household?: Household; error?: unknown } {
  const handed = (useLocation().state as { household?: Household } | null)?.household;
  const given = handed?.id === id ? handed : undefined;
  const fetched = useApi<Household>(given ? null : `/api/people/households/${encodeURIComponent(id)}`);
  return given ? { household: given } : { household: fetched.data, error: fetched.error };
}
