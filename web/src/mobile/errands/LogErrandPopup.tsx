import { Button, List, Popup, SearchBar, Selector, TextArea, Toast } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { newIdempotencyKey } from '../../shared/cases.ts';
import type { Household, OrgNode } from '../../shared/model.ts';
import { useApi } from '../../shared/useApi.ts';
import { allHouseholds } from '../people/households.ts';
import {
  ERRAND_KINDS,
  errandError,
  kindLabel,
  logErrand,
  PROMISES,
  promiseInstant,
  type Errand,
  type ErrandKind,
  type PromiseChoice,
} from './errands.ts';

/** '' in the member selector: the errand is for the household as a whole. */
const WHOLE_HOUSEHOLD = '';

/**
 * 登记帮办: a household of the worker's micro-grids (picked from its list, searchable by address), the
 * member it is for, the kind, what, and by when (end of today, tomorrow, 3 or 7 days). A retry after
 * a lost answer sends the same Idempotency-Key, so it never logs twice.
 */
export function LogErrandPopup({
  visible,
  onClose,
  onLogged,
}: {
  visible: boolean;
  onClose: () => void;
  onLogged: (errand: Errand) => void;
}) {
  const { t } = useTranslation();
  const tree = useApi<{ roots: OrgNode[] }>(visible ? '/api/org/tree' : null);
  const microgrids = (tree.data?.roots ?? []).filter((unit) => unit.level === 'microgrid');
  const [microgrid, setMicrogrid] = useState<string | null>(null);
  const unit = microgrid ?? microgrids[0]?.code ?? null;
  const households = useHouseholds(visible ? unit : null);
  const [household, setHousehold] = useState<Household | null>(null);
  const [picking, setPicking] = useState(false);
  const [member, setMember] = useState<string>(WHOLE_HOUSEHOLD);
  const [kind, setKind] = useState<ErrandKind | null>(null);
  const [what, setWhat] = useState('');
  const [promise, setPromise] = useState<PromiseChoice>('tomorrow');
  const [key, setKey] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);

  function reset() {
    setHousehold(null);
    setMember(WHOLE_HOUSEHOLD);
    setKind(null);
    setWhat('');
    setPromise('tomorrow');
    setKey(newIdempotencyKey());
  }

  async function submit() {
    if (!household || !kind) return;
    setBusy(true);
    try {
      const errand = await logErrand(
        {
          householdId: household.id,
          ...(member ? { residentId: member } : {}),
          kind,
          what: what.trim(),
          promisedBy: promiseInstant(promise),
        },
        key,
      );
      Toast.show({ icon: 'success', content: t('errands.form.logged') });
      reset();
      onLogged(errand);
    } catch (error) {
      Toast.show({ icon: 'fail', content: errandError(error) });
    } finally {
      setBusy(false);
    }
  }

  const ready = household !== null && kind !== null && what.trim().length >= 2;
  return (
    <Popup
      visible={visible}
      onMaskClick={onClose}
      position="bottom"
      bodyStyle={{ maxHeight: '90vh', overflowY: 'auto', borderRadius: '12px 12px 0 0' }}
    >
      <div className="log-errand">
        <List header={t('errands.form.title')}>
          {microgrids.length > 1 && (
            <List.Item title={t('errands.form.microgrid')}>
              <Selector
                options={microgrids.map((m) => ({ label: m.name, value: m.code }))}
                value={unit ? [unit] : []}
                onChange={(values) => {
                  if (values[0]) {
                    setMicrogrid(values[0]);
                    setHousehold(null);
                    setMember(WHOLE_HOUSEHOLD);
                  }
                }}
              />
            </List.Item>
          )}
          <List.Item
            title={t('errands.form.household')}
            className="pick-household"
            onClick={() => setPicking(true)}
            extra={household ? <span className="chosen-household">{household.address}</span> : t('errands.form.pickHousehold')}
          />
          {household && (
            <List.Item title={t('errands.form.member')}>
              <Selector
                className="pick-member"
                options={[
                  { label: t('errands.wholeHousehold'), value: WHOLE_HOUSEHOLD },
                  ...household.members.map((m) => ({ label: m.name, value: m.id })),
                ]}
                value={[member]}
                onChange={(values) => setMember(values[0] ?? WHOLE_HOUSEHOLD)}
              />
            </List.Item>
          )}
          <List.Item title={t('errands.form.kind')}>
            <Selector
              className="pick-kind"
              columns={3}
              options={ERRAND_KINDS.map((k) => ({ label: kindLabel(k), value: k }))}
              value={kind ? [kind] : []}
              onChange={(values) => setKind((values[0] as ErrandKind | undefined) ?? null)}
            />
          </List.Item>
          <List.Item title={t('errands.form.what')}>
            <TextArea
              className="errand-what"
              placeholder={t('errands.form.whatPlaceholder')}
              value={what}
              onChange={setWhat}
              maxLength={500}
              autoSize={{ minRows: 2, maxRows: 5 }}
            />
          </List.Item>
          <List.Item title={t('errands.form.promise')}>
            <Selector
              className="pick-promise"
              columns={4}
              options={(Object.keys(PROMISES) as PromiseChoice[]).map((p) => ({ label: t(`errands.form.promises.${p}`), value: p }))}
              value={[promise]}
              onChange={(values) => values[0] && setPromise(values[0])}
            />
          </List.Item>
        </List>
        <div style={{ padding: '12px 12px 24px' }}>
          <Button
            block
            color="primary"
            size="large"
            disabled={!ready}
            loading={busy}
            onClick={() => void submit()}
            className="log-errand-submit"
          >
            {t('errands.form.submit')}
          </Button>
        </div>
      </div>
      <HouseholdPicker
        visible={picking}
        households={households}
        onClose={() => setPicking(false)}
        onPick={(picked) => {
          setHousehold(picked);
          // The member the errand is for, when there is only one to choose.
          setMember(picked.members.length === 1 ? picked.members[0].id : WHOLE_HOUSEHOLD);
          setPicking(false);
        }}
      />
    </Popup>
  );
}

/** The households of a micro-grid (20-30, a few pages at most), loaded once it is chosen. */
function useHouseholds(unit: string | null): Household[] | undefined {
  const [loaded, setLoaded] = useState<{ unit: string; households: Household[] } | null>(null);
  useEffect(() => {
    if (!unit) return;
    let current = true;
    allHouseholds(unit).then(
      ({ households }) => current && setLoaded({ unit, households }),
      () => current && setLoaded({ unit, households: [] }),
    );
    return () => {
      current = false;
    };
  }, [unit]);
  return loaded?.unit === unit ? loaded.households : undefined;
}

function HouseholdPicker({
  visible,
  households,
  onClose,
  onPick,
}: {
  visible: boolean;
  households: Household[] | undefined;
  onClose: () => void;
  onPick: (household: Household) => void;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const shown = (households ?? []).filter((h) => !text.trim() || h.address.includes(text.trim()));
  return (
    <Popup
      visible={visible}
      onMaskClick={onClose}
      position="bottom"
      bodyStyle={{ height: '70vh', overflowY: 'auto', borderRadius: '12px 12px 0 0' }}
    >
      <div style={{ padding: '8px 12px', position: 'sticky', top: 0, background: '#fff', zIndex: 1 }}>
        <SearchBar placeholder={t('errands.form.searchHousehold')} value={text} onChange={setText} />
      </div>
      <List className="household-picker">
        {households !== undefined && shown.length === 0 && <List.Item>{t('errands.form.noHouseholds')}</List.Item>}
        {shown.map((h) => (
          <List.Item key={h.id} data-household={h.id} onClick={() => onPick(h)} description={h.members.map((m) => m.name).join('、')}>
            {h.address}
          </List.Item>
        ))}
      </List>
    </Popup>
  );
}
