import { Button, Popup, Radio, Space, TextArea, Toast } from 'antd-mobile';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { checkinError, OUTCOMES, SERIOUS_OUTCOMES, type CareAlert, type Outcome } from '../../shared/checkins.ts';
import { recordOutcome } from './checkins.ts';

/** 记录处置结果: what the worker found, with a note; ill, hospital and dead say that a case will be opened. */
export function OutcomePopup({ alert, onClose, onRecorded }: { alert: CareAlert | null; onClose: () => void; onRecorded: () => void }) {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit() {
    if (!alert || !outcome) return;
    setBusy(true);
    try {
      await recordOutcome(alert.id, outcome, note.trim() || null);
      Toast.show({ icon: 'success', content: t('checkins.mobile.recorded') });
      setOutcome(null);
      setNote('');
      onRecorded();
    } catch (error) {
      Toast.show({ icon: 'fail', content: checkinError(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Popup visible={alert !== null} onMaskClick={onClose} position="bottom" bodyStyle={{ borderRadius: '12px 12px 0 0' }}>
      {alert && (
        <div className="care-outcome-sheet" style={{ padding: 16 }}>
          <div style={{ fontWeight: 600, marginBottom: 12 }}>{t('checkins.mobile.outcomeTitle', { name: alert.name })}</div>
          <Radio.Group value={outcome} onChange={(value) => setOutcome(value as Outcome)}>
            <Space direction="vertical">
              {OUTCOMES.map((value) => (
                <Radio key={value} value={value} className={`care-outcome-${value}`}>
                  {t(`checkins.outcomes.${value}`)}
                </Radio>
              ))}
            </Space>
          </Radio.Group>
          {outcome && SERIOUS_OUTCOMES.includes(outcome) && (
            <div style={{ marginTop: 8, color: 'var(--adm-color-danger)', fontSize: 13 }}>{t('checkins.mobile.caseWillOpen')}</div>
          )}
          <TextArea
            placeholder={t('checkins.mobile.notePlaceholder')}
            value={note}
            onChange={setNote}
            maxLength={500}
            rows={2}
            style={{ marginTop: 12, background: '#fafafa', padding: 8 }}
          />
          <Button
            block
            color="primary"
            size="large"
            disabled={!outcome}
            loading={busy}
            onClick={() => void submit()}
            style={{ marginTop: 16 }}
            className="care-outcome-submit"
          >
            {t('checkins.mobile.submitOutcome')}
          </Button>
        </div>
      )}
    </Popup>
  );
}
