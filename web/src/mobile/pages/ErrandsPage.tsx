import { ActionSheet, Button, Checkbox, DotLoading, InfiniteScroll, List, Popup, Tag, TextArea, Toast, Dialog } from 'antd-mobile';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../../shared/cases.ts';
import { Empty } from '../Blocks.tsx';
import {
  cancel,
  errandColor,
  errandError,
  errandsPage,
  errandStateLabel,
  kindLabel,
  linkUrl,
  markDone,
  newLink,
  recordConfirmation,
  type Errand,
  type IssuedLink,
} from '../errands/errands.ts';
import { LogErrandPopup } from '../errands/LogErrandPopup.tsx';

/**
 * 我的帮办: the worker's errands, newest first, overdue ones in red; log a new one; on each, the
 * next step: mark done (which gives the resident's one-time confirmation link, optionally texted),
 * record the resident's confirmation, a fresh link, or cancel.
 */
export function ErrandsPage() {
  const { t } = useTranslation();
  const [logging, setLogging] = useState(false);
  // A new errand starts the list afresh, so it shows on top.
  const [generation, setGeneration] = useState(0);

  return (
    <div className="my-errands">
      <div style={{ padding: '12px 12px 4px' }}>
        <Button block color="primary" onClick={() => setLogging(true)} className="new-errand">
          {t('errands.new')}
        </Button>
      </div>
      <ErrandList key={generation} />
      <LogErrandPopup
        visible={logging}
        onClose={() => setLogging(false)}
        onLogged={() => {
          setLogging(false);
          setGeneration((g) => g + 1);
        }}
      />
    </div>
  );
}

function ErrandList() {
  const { t } = useTranslation();
  const [errands, setErrands] = useState<Errand[]>([]);
  const [hasMore, setHasMore] = useState(true);
  const cursor = useRef<string | null>(null);
  const lastError = useRef<unknown>(undefined);
  const [chosen, setChosen] = useState<Errand | null>(null);
  const [finishing, setFinishing] = useState<{ errand: Errand; again: boolean } | null>(null);
  const [cancelling, setCancelling] = useState<Errand | null>(null);
  const [issued, setIssued] = useState<IssuedLink | null>(null);

  async function loadMore() {
    try {
      const page = await errandsPage(cursor.current);
      cursor.current = page.nextCursor;
      setErrands((previous) => [...previous, ...page.items]);
      setHasMore(page.nextCursor !== null);
    } catch (error) {
      lastError.current = error;
      throw error;
    }
  }

  const replace = (errand: Errand) => setErrands((previous) => previous.map((e) => (e.id === errand.id ? errand : e)));

  async function confirmFor(errand: Errand) {
    const ok = await Dialog.confirm({ content: t('errands.confirmDialog') });
    if (!ok) return;
    try {
      replace(await recordConfirmation(errand));
      Toast.show({ icon: 'success', content: t('errands.saved') });
    } catch (error) {
      Toast.show({ icon: 'fail', content: errandError(error) });
    }
  }

  const actions = (errand: Errand) => {
    switch (errand.state) {
      case 'logged':
        return [
          { key: 'done', text: t('errands.actions.done'), onClick: () => setFinishing({ errand, again: false }) },
          { key: 'cancel', text: t('errands.actions.cancel'), danger: true, onClick: () => setCancelling(errand) },
        ];
      case 'done':
        return [
          { key: 'confirm', text: t('errands.actions.confirm'), onClick: () => void confirmFor(errand) },
          { key: 'link', text: t('errands.actions.newLink'), onClick: () => setFinishing({ errand, again: true }) },
        ];
      default:
        return [];
    }
  };

  return (
    <>
      {errands.length > 0 && (
        <List className="errand-list">
          {errands.map((errand) => (
            <ErrandItem key={errand.id} errand={errand} onOpen={() => actions(errand).length > 0 && setChosen(errand)} />
          ))}
        </List>
      )}
      <InfiniteScroll loadMore={loadMore} hasMore={hasMore}>
        {(more, failed, retry) => {
          if (failed) {
            return (
              <span role="alert">
                {errandError(lastError.current)}
                <Button size="mini" fill="none" color="primary" onClick={retry}>
                  {t('mobile.retry')}
                </Button>
              </span>
            );
          }
          if (more) return <DotLoading />;
          if (errands.length === 0) return <Empty title={t('errands.noErrands')} description={t('errands.noErrandsHint')} />;
          return <span>{t('errands.endOfList', { count: errands.length })}</span>;
        }}
      </InfiniteScroll>

      <ActionSheet
        visible={chosen !== null}
        actions={chosen ? actions(chosen) : []}
        cancelText={t('errands.actions.close')}
        onClose={() => setChosen(null)}
        closeOnAction
      />
      <DonePopup
        target={finishing}
        onClose={() => setFinishing(null)}
        onIssued={(answer) => {
          replace(answer.errand);
          setFinishing(null);
          setIssued(answer);
        }}
      />
      <CancelPopup
        errand={cancelling}
        onClose={() => setCancelling(null)}
        onCancelled={(errand) => {
          replace(errand);
          setCancelling(null);
        }}
      />
      <LinkPopup issued={issued} onClose={() => setIssued(null)} />
    </>
  );
}

function ErrandItem({ errand, onOpen }: { errand: Errand; onOpen: () => void }) {
  const { t } = useTranslation();
  const who = [errand.address, errand.residentName ?? t('errands.wholeHousehold')].join(' · ');
  const when =
    errand.doneAt !== null
      ? t('errands.doneAt', { time: formatTime(errand.doneAt) }) + (errand.doneOnTime === false ? ` · ${t('errands.late')}` : '')
      : t('errands.promisedBy', { time: formatTime(errand.promisedBy) });
  return (
    <List.Item
      className={errand.overdue ? 'errand errand--overdue' : 'errand'}
      data-errand={errand.id}
      data-state={errand.state}
      onClick={onOpen}
      style={errand.overdue ? { borderLeft: '4px solid var(--adm-color-danger)' } : undefined}
      description={
        <>
          <div>{who}</div>
          <div style={{ color: errand.overdue ? 'var(--adm-color-danger)' : undefined }}>{when}</div>
          {errand.confirmedVia && <div>{t(`errands.confirmedVia.${errand.confirmedVia}`)}</div>}
          {errand.cancelReason && <div>{errand.cancelReason}</div>}
        </>
      }
      extra={
        <Tag color={errandColor(errand)} fill="outline" className="errand-state">
          {errand.overdue ? t('errands.overdue') : errandStateLabel(errand.state)}
        </Tag>
      }
    >
      {kindLabel(errand.kind)}
      <div style={{ fontSize: 13, color: 'var(--adm-color-weak)' }}>{errand.what}</div>
    </List.Item>
  );
}

/** 标记办结 (or a fresh link): whether to text the resident, when a phone is on record. */
function DonePopup({
  target,
  onClose,
  onIssued,
}: {
  target: { errand: Errand; again: boolean } | null;
  onClose: () => void;
  onIssued: (issued: IssuedLink) => void;
}) {
  const { t } = useTranslation();
  const [sendSms, setSendSms] = useState(false);
  const [busy, setBusy] = useState(false);
  const errand = target?.errand;

  async function submit() {
    if (!target) return;
    setBusy(true);
    try {
      onIssued(await (target.again ? newLink : markDone)(target.errand, sendSms && target.errand.residentPhone !== null));
      setSendSms(false);
    } catch (error) {
      Toast.show({ icon: 'fail', content: errandError(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Popup visible={target !== null} onMaskClick={onClose} position="bottom" bodyStyle={{ borderRadius: '12px 12px 0 0' }}>
      {errand && (
        <div className="done-sheet" style={{ padding: 16 }}>
          <div style={{ fontWeight: 600, marginBottom: 12 }}>
            {target.again ? t('errands.actions.newLink') : t('errands.doneSheet.title')}
          </div>
          <div style={{ marginBottom: 12 }}>
            {kindLabel(errand.kind)} · {errand.what}
          </div>
          {errand.residentPhone ? (
            <Checkbox checked={sendSms} onChange={setSendSms} className="send-sms">
              {t('errands.doneSheet.sendSms', { phone: errand.residentPhone })}
            </Checkbox>
          ) : (
            <div style={{ fontSize: 13, color: 'var(--adm-color-weak)' }}>{t('errands.doneSheet.noPhone')}</div>
          )}
          <Button
            block
            color="primary"
            size="large"
            loading={busy}
            onClick={() => void submit()}
            style={{ marginTop: 16 }}
            className="done-submit"
          >
            {target.again ? t('errands.actions.newLink') : t('errands.doneSheet.submit')}
          </Button>
        </div>
      )}
    </Popup>
  );
}

/** The resident's link, shown once: to read out, copy into a chat, or already texted. */
function LinkPopup({ issued, onClose }: { issued: IssuedLink | null; onClose: () => void }) {
  const { t } = useTranslation();
  const url = issued ? linkUrl(issued) : '';
  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      Toast.show({ icon: 'success', content: t('errands.link.copied') });
    } catch {
      // Plain http on a LAN has no clipboard API: the link stays on screen to select by hand.
    }
  }
  return (
    <Popup visible={issued !== null} onMaskClick={onClose} position="bottom" bodyStyle={{ borderRadius: '12px 12px 0 0' }}>
      {issued && (
        <div className="errand-link-sheet" style={{ padding: 16 }}>
          <div style={{ fontWeight: 600, marginBottom: 8 }}>{t('errands.link.title')}</div>
          <div style={{ fontSize: 13, color: 'var(--adm-color-weak)', marginBottom: 8 }}>
            {t('errands.link.hint', { time: formatTime(issued.link.expiresAt) })}
          </div>
          <div
            className="errand-link"
            style={{
              userSelect: 'all',
              wordBreak: 'break-all',
              padding: 12,
              background: '#f5f5f5',
              borderRadius: 6,
              fontFamily: 'monospace',
            }}
          >
            {url}
          </div>
          {issued.smsQueued && (
            <div className="sms-sent" style={{ marginTop: 8, color: 'var(--adm-color-success)' }}>
              {t('errands.link.smsSent')}
            </div>
          )}
          <div style={{ display: 'flex', gap: 12, marginTop: 16 }}>
            <Button block onClick={() => void copy()}>
              {t('errands.link.copy')}
            </Button>
            <Button block color="primary" onClick={onClose} className="link-close">
              {t('errands.actions.close')}
            </Button>
          </div>
        </div>
      )}
    </Popup>
  );
}

function CancelPopup({
  errand,
  onClose,
  onCancelled,
}: {
  errand: Errand | null;
  onClose: () => void;
  onCancelled: (errand: Errand) => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  async function submit() {
    if (!errand) return;
    setBusy(true);
    try {
      onCancelled(await cancel(errand, reason.trim()));
      setReason('');
    } catch (error) {
      Toast.show({ icon: 'fail', content: errandError(error) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <Popup visible={errand !== null} onMaskClick={onClose} position="bottom" bodyStyle={{ borderRadius: '12px 12px 0 0' }}>
      <div style={{ padding: 16 }}>
        <div style={{ fontWeight: 600, marginBottom: 8 }}>{t('errands.actions.cancel')}</div>
        <TextArea
          placeholder={t('errands.cancelReasonPlaceholder')}
          value={reason}
          onChange={setReason}
          maxLength={200}
          autoSize={{ minRows: 2 }}
        />
        <Button
          block
          color="danger"
          loading={busy}
          disabled={reason.trim().length < 2}
          onClick={() => void submit()}
          style={{ marginTop: 12 }}
        >
          {t('errands.actions.cancel')}
        </Button>
      </div>
    </Popup>
  );
}
