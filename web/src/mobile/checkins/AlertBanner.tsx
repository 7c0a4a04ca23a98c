import { Button, Dialog, Popup, Space, Toast } from 'antd-mobile';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../../shared/cases.ts';
import { checkinError, navigationUrl, telUrl, type CareAlert, type Contact, type TodayItem } from '../../shared/checkins.ts';
import { useCall } from '../people/useCall.ts';
import { acknowledge, recordOutcome, revealContacts } from './checkins.ts';
import { OutcomePopup } from './OutcomePopup.tsx';

/**
 * The open alerts, on top of the list in red: who, where, since when; call (the person, or the family
 * whose numbers are revealed, audited), navigate to the building, take it on (确认收到), record what
 * was found; after a late sign of life, the one-tap confirmation that all is well.
 */
export function AlertBanner({ alerts, places, onChanged }: { alerts: CareAlert[]; places: Map<string, TodayItem>; onChanged: () => void }) {
  if (alerts.length === 0) return null;
  return (
    <div className="care-alerts" style={{ padding: '8px 12px 0' }}>
      {alerts.map((alert) => (
        <AlertCard key={alert.id} alert={alert} place={places.get(alert.subjectId)} onChanged={onChanged} />
      ))}
    </div>
  );
}

function AlertCard({ alert, place, onChanged }: { alert: CareAlert; place?: TodayItem; onChanged: () => void }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [recording, setRecording] = useState(false);
  const [calling, setCalling] = useState(false);

  async function run(action: () => Promise<unknown>, done: string) {
    setBusy(true);
    try {
      await action();
      Toast.show({ icon: 'success', content: done });
      onChanged();
    } catch (error) {
      Toast.show({ icon: 'fail', content: checkinError(error) });
      onChanged(); // someone else may have acted first: show what is now
    } finally {
      setBusy(false);
    }
  }

  const confirmSafe = async () => {
    if (await Dialog.confirm({ content: t('checkins.mobile.confirmSafeDialog', { name: alert.name }) }))
      await run(() => recordOutcome(alert.id, 'safe', null), t('checkins.mobile.recorded'));
  };
  const headline = alert.kind === 'panic' ? t('checkins.mobile.panic') : t('checkins.mobile.missed', { time: formatTime(alert.dueAt) });

  return (
    <div
      className="care-alert"
      data-alert={alert.id}
      data-status={alert.status}
      style={{ background: '#fff1f0', border: '1px solid #ffa39e', borderRadius: 8, padding: 12, marginBottom: 8 }}
    >
      <div style={{ fontWeight: 600, color: 'var(--adm-color-danger)' }}>
        {alert.awaitingConfirmation ? t('checkins.mobile.lateSignal') : headline}
        {alert.overdue && !alert.awaitingConfirmation && ` · ${t('checkins.overdue')}`}
      </div>
      <div style={{ margin: '4px 0 8px' }}>
        <span className="care-alert-name" style={{ fontSize: 16 }}>
          {alert.name}
        </span>{' '}
        · {alert.address}
      </div>
      {alert.awaitingConfirmation ? (
        <>
          <div style={{ fontSize: 13, marginBottom: 8 }}>
            {t('checkins.mobile.lateSignalHint', {
              time: alert.signalAt ? formatTime(alert.signalAt) : '',
              via: alert.signalType ? t(`checkins.signals.${alert.signalType}`) : '',
            })}
          </div>
          <Button block color="success" loading={busy} onClick={() => void confirmSafe()} className="care-confirm-safe">
            {t('checkins.mobile.confirmSafe')}
          </Button>
        </>
      ) : (
        <Space wrap>
          <Button size="small" color="danger" onClick={() => setCalling(true)} className="care-call">
            {t('checkins.mobile.call')}
          </Button>
          {place?.lng != null && place.lat != null && (
            <a
              className="care-navigate"
              style={{
                display: 'inline-block',
                padding: '3px 12px',
                border: '1px solid #d9d9d9',
                borderRadius: 4,
                background: '#fff',
                fontSize: 13,
              }}
              href={navigationUrl(place.lng, place.lat, place.buildingAddress ?? place.address)}
              target="_blank"
              rel="noreferrer"
            >
              {t('checkins.mobile.navigate')}
            </a>
          )}
          {alert.status === 'open' && (
            <Button
              size="small"
              color="primary"
              loading={busy}
              onClick={() => void run(() => acknowledge(alert), t('checkins.mobile.acknowledged'))}
              className="care-ack"
            >
              {t('checkins.mobile.ack')}
            </Button>
          )}
          {alert.status === 'acknowledged' && (
            <span className="care-acked" style={{ fontSize: 13 }}>
              {t('checkins.mobile.ackedBy', { who: alert.acknowledgedBy ?? '' })}
            </span>
          )}
          <Button size="small" color="warning" onClick={() => setRecording(true)} className="care-outcome">
            {t('checkins.mobile.recordOutcome')}
          </Button>
        </Space>
      )}
      <CallPopup visible={calling} alert={alert} place={place} onClose={() => setCalling(false)} />
      <OutcomePopup
        alert={recording ? alert : null}
        onClose={() => setRecording(false)}
        onRecorded={() => {
          setRecording(false);
          onChanged();
        }}
      />
    </div>
  );
}

/**
 * 拨打电话: the person's own number (the registry's audited reveal, as on a household's page) or the
 * emergency contacts (the curtain pact's audited reveal, contacts only), each a `tel:` link. The clear
 * numbers live in this popup's state only.
 */
function CallPopup({ visible, alert, place, onClose }: { visible: boolean; alert: CareAlert; place?: TodayItem; onClose: () => void }) {
  const { t } = useTranslation();
  const own = useCall();
  const [contacts, setContacts] = useState<Contact[] | null>(null);
  const [busy, setBusy] = useState(false);

  async function showContacts() {
    setBusy(true);
    try {
      setContacts(await revealContacts(alert.subjectId));
    } catch (error) {
      Toast.show({ icon: 'fail', content: checkinError(error) });
    } finally {
      setBusy(false);
    }
  }
  const close = () => {
    setContacts(null);
    onClose();
  };

  return (
    <Popup visible={visible} onMaskClick={close} position="bottom" bodyStyle={{ borderRadius: '12px 12px 0 0' }}>
      <div className="care-call-sheet" style={{ padding: 16 }}>
        <div style={{ fontWeight: 600, marginBottom: 12 }}>{t('checkins.mobile.callTitle', { name: alert.name })}</div>
        {place?.residentId && alert.phone && (
          <Button
            block
            onClick={() => void own.call(place.residentId!)}
            loading={own.state.status === 'revealing'}
            style={{ marginBottom: 8 }}
          >
            {t('checkins.mobile.callPerson', { phone: alert.phone })}
          </Button>
        )}
        {own.state.status === 'shown' && (
          <a className="care-tel" href={telUrl(own.state.phone)} style={{ display: 'block', marginBottom: 8 }}>
            {own.state.phone}
          </a>
        )}
        {contacts === null ? (
          <Button block color="primary" loading={busy} onClick={() => void showContacts()} className="care-reveal-contacts">
            {t('checkins.mobile.callFamily')}
          </Button>
        ) : contacts.length === 0 ? (
          <div>{t('checkins.mobile.noContacts')}</div>
        ) : (
          contacts.map((contact) => (
            <a
              key={contact.phone}
              className="care-tel care-contact"
              href={telUrl(contact.phone)}
              style={{ display: 'block', padding: '8px 0', fontSize: 16 }}
            >
              {contact.name}
              {contact.relation ? `（${contact.relation}）` : ''} {contact.phone}
            </a>
          ))
        )}
        <div style={{ fontSize: 12, color: 'var(--adm-color-weak)', marginTop: 8 }}>{t('checkins.mobile.revealNote')}</div>
      </div>
    </Popup>
  );
}
