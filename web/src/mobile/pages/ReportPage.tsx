import { CameraOutlined, CloseCircleFilled, EnvironmentOutlined } from '@ant-design/icons';
import { Button, CascadePicker, DotLoading, Input, List, Selector, TextArea, Toast } from 'antd-mobile';
import { useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useMe } from '../../shared/auth.tsx';
import { caseError, newIdempotencyKey, stateLabel } from '../../shared/cases.ts';
import type { CaseCatalogue, NearbyCase, NewCase, OrgNode } from '../../shared/model.ts';
import { useApi } from '../../shared/useApi.ts';
import { Failure, Loading } from '../Blocks.tsx';
import { sendOrQueue } from '../cases/queue.ts';
import {
  recentCategories,
  rememberCategory,
  toPhoto,
  useGeolocation,
  useMyUnits,
  usePlacement,
  useReportCatalogue,
  type Photo,
} from '../cases/reporting.ts';

const MAX_PHOTOS = 9;
const QUICK_CATEGORIES = 8;

type Leaf = CaseCatalogue['majors'][number]['leaves'][number];

/**
 * 上报问题, in three taps: a category (the ones this phone used lately first), a photo from the
 * camera, and the place, taken from GPS with its micro-grid filled in (or the worker's own
 * micro-grid when GPS is refused or fails). Open cases of the same category within 100 m are shown
 * before sending. Without network the report waits on the phone and goes when the network returns.
 */
export function ReportPage() {
  const { t } = useTranslation();
  const { user } = useMe();
  const navigate = useNavigate();
  const catalogue = useReportCatalogue();
  const myUnits = useMyUnits(user.id);
  const { fix, retry } = useGeolocation();
  const placement = usePlacement(fix);

  const [category, setCategory] = useState<string | null>(null);
  const [picking, setPicking] = useState(false);
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [manual, setManual] = useState(false);
  const [chosenArea, setChosenArea] = useState<string | null>(null);
  const [description, setDescription] = useState('');
  const [address, setAddress] = useState('');
  const [busy, setBusy] = useState(false);
  const [recent] = useState(recentCategories);

  const leaves = new Map(
    (catalogue.data?.majors ?? []).flatMap((major) => major.leaves.filter((leaf) => leaf.active).map((leaf) => [leaf.code, leaf] as const)),
  );
  const leaf = category ? leaves.get(category) : undefined;

  // Where: the GPS point unless it is unusable (refused, failed, outside the district) or the worker chose a micro-grid.
  const gps = fix.status === 'located' && placement.status !== 'outside' && !manual ? fix : null;
  const units = reportUnits(myUnits.data?.roots ?? []);
  const areaCode = gps ? null : (chosenArea ?? (units.length > 0 ? units[0].code : null));
  const placeName = gps
    ? placement.status === 'found'
      ? placement.location.path[placement.location.path.length - 1].name
      : null
    : (units.find((unit) => unit.code === areaCode)?.name ?? null);
  const waitingForGps = fix.status === 'locating' && !manual;
  const ready = !!leaf && (gps !== null || (areaCode !== null && !waitingForGps));

  const nearby = useApi<{ items: NearbyCase[] }>(
    leaf && gps && navigator.onLine ? `/api/cases/nearby?category=${leaf.code}&lng=${gps.lng}&lat=${gps.lat}&crs=wgs84` : null,
  );

  if (catalogue.error !== undefined && !catalogue.data) return <Failure error={catalogue.error} />;
  if (!catalogue.data) return <Loading />;

  async function addPhotos(event: ChangeEvent<HTMLInputElement>) {
    const files = [...(event.target.files ?? [])];
    event.target.value = ''; // the same picture may be taken again
    const made = await Promise.all(files.slice(0, MAX_PHOTOS - photos.length).map(toPhoto));
    if (made.some((photo) => photo === null)) Toast.show({ icon: 'fail', content: t('cases.mobile.unreadablePhoto') });
    const added = made.filter((photo): photo is Photo => photo !== null);
    setPhotos((current) => [...current, ...added].slice(0, MAX_PHOTOS));
  }

  async function submit() {
    if (!leaf || busy) return;
    const text = description.trim();
    const body: Omit<NewCase, 'attachments'> = {
      categoryCode: leaf.code,
      description: text.length >= 2 ? text : [leaf.name, text].filter(Boolean).join(' '),
      ...(gps ? { location: { lng: gps.lng, lat: gps.lat, crs: 'wgs84' as const } } : { areaCode: areaCode! }),
      ...(address.trim().length >= 2 ? { address: address.trim() } : {}),
    };
    setBusy(true);
    try {
      const outcome = await sendOrQueue(
        user.id,
        { key: newIdempotencyKey(), body, categoryName: leaf.name, placeName, thumbnails: photos.map((photo) => photo.thumbnail) },
        photos.map((photo) => photo.blob),
      );
      rememberCategory(leaf.code);
      if ('sent' in outcome) Toast.show({ icon: 'success', content: t('cases.mobile.sent') });
      else Toast.show({ content: t('cases.mobile.queued'), duration: 3000 });
      navigate('/cases');
    } catch (error) {
      Toast.show({ icon: 'fail', content: caseError(error) });
    } finally {
      setBusy(false);
    }
  }

  const quick = quickCategories(catalogue.data, recent, category);
  return (
    <div className="report-page" style={{ paddingBottom: 24 }}>
      <List header={t('cases.mobile.stepCategory')}>
        <div style={{ padding: '12px 12px 4px' }}>
          <Selector
            className="category-selector"
            columns={2}
            options={quick.map((code) => ({ value: code, label: leaves.get(code)?.name ?? code }))}
            value={category ? [category] : []}
            onChange={(values) => values.length > 0 && setCategory(values[0])}
          />
        </div>
        <List.Item arrow onClick={() => setPicking(true)} extra={leaf && !quick.includes(leaf.code) ? leaf.name : undefined}>
          {t('cases.mobile.moreCategories')}
        </List.Item>
      </List>
      <CascadePicker
        title={t('cases.mobile.pickCategory')}
        visible={picking}
        onClose={() => setPicking(false)}
        options={catalogue.data.majors.map((major) => ({
          label: major.name,
          value: major.code,
          children: major.leaves.filter((l) => l.active).map((l) => ({ label: l.name, value: l.code })),
        }))}
        onConfirm={(value) => {
          const chosen = value[value.length - 1];
          if (chosen && leaves.has(String(chosen))) setCategory(String(chosen));
        }}
      />

      <List header={t('cases.mobile.stepPhoto')}>
        <div className="photo-strip" style={{ display: 'flex', flexWrap: 'wrap', gap: 8, padding: 12 }}>
          {photos.map((photo, index) => (
            <div key={photo.thumbnail.slice(-32) + index} className="photo-thumb" style={{ position: 'relative', width: 72, height: 72 }}>
              <img src={photo.thumbnail} alt="" style={{ width: 72, height: 72, objectFit: 'cover', borderRadius: 6 }} />
              <CloseCircleFilled
                aria-label={t('cases.mobile.removePhoto')}
                onClick={() => setPhotos((current) => current.filter((_, i) => i !== index))}
                style={{ position: 'absolute', top: -6, right: -6, color: '#999', fontSize: 18, background: '#fff', borderRadius: 9 }}
              />
            </div>
          ))}
          {photos.length < MAX_PHOTOS && (
            <label
              className="photo-add"
              style={{
                width: 72,
                height: 72,
                borderRadius: 6,
                border: '1px dashed #bbb',
                display: 'flex',
                flexDirection: 'column',
                alignItems: 'center',
                justifyContent: 'center',
                color: '#666',
                fontSize: 12,
                background: '#fafafa',
              }}
            >
              <CameraOutlined style={{ fontSize: 22 }} />
              {t('cases.mobile.takePhoto')}
              <input
                type="file"
                accept="image/*"
                capture="environment"
                onChange={(event) => void addPhotos(event)}
                style={{ display: 'none' }}
              />
            </label>
          )}
        </div>
      </List>

      <List header={t('cases.mobile.stepPlace')}>
        {gps ? (
          <List.Item
            className="report-place"
            data-place="gps"
            prefix={<EnvironmentOutlined style={{ color: 'var(--adm-color-primary)' }} />}
            description={t('cases.mobile.gpsAccuracy', { metres: Math.round(gps.accuracy) })}
            extra={
              <Button size="mini" fill="none" color="primary" onClick={() => setManual(true)}>
                {t('cases.mobile.chooseGrid')}
              </Button>
            }
          >
            {placement.status === 'found' ? placeName : placement.status === 'locating' ? <DotLoading /> : t('cases.mobile.placeOffline')}
          </List.Item>
        ) : waitingForGps ? (
          <List.Item
            prefix={<EnvironmentOutlined />}
            extra={
              <Button size="mini" fill="none" color="primary" onClick={() => setManual(true)}>
                {t('cases.mobile.chooseGrid')}
              </Button>
            }
          >
            {t('cases.mobile.locating')} <DotLoading />
          </List.Item>
        ) : (
          <>
            <List.Item
              className="report-place"
              data-place="area"
              prefix={<EnvironmentOutlined />}
              description={manual ? t('cases.mobile.manualPlace') : gpsProblem(t, fix, placement.status)}
              extra={
                <Button
                  size="mini"
                  fill="none"
                  color="primary"
                  onClick={() => {
                    setManual(false);
                    retry();
                  }}
                >
                  {t('cases.mobile.relocate')}
                </Button>
              }
            >
              {placeName ?? t('cases.mobile.noGrid')}
            </List.Item>
            {units.length > 1 && (
              <div style={{ padding: 12 }}>
                <Selector
                  className="grid-selector"
                  columns={1}
                  options={units.map((unit) => ({ value: unit.code, label: unit.name }))}
                  value={areaCode ? [areaCode] : []}
                  onChange={(values) => values.length > 0 && setChosenArea(values[0])}
                />
              </div>
            )}
          </>
        )}
      </List>

      {nearby.data && nearby.data.items.length > 0 && (
        <div
          className="duplicate-hint"
          style={{ margin: 12, padding: 12, background: '#fffbe6', border: '1px solid #ffe58f', borderRadius: 8 }}
        >
          <div style={{ fontWeight: 600, marginBottom: 6 }}>{t('cases.mobile.duplicateHint', { count: nearby.data.items.length })}</div>
          {nearby.data.items.slice(0, 3).map((item) => (
            <div key={item.id} style={{ fontSize: 13, marginBottom: 4 }}>
              {t('cases.mobile.nearbyItem', {
                distance: item.distanceMetres,
                state: stateLabel(item.state),
                text: item.description,
                address: item.address,
              })}
            </div>
          ))}
          <div style={{ fontSize: 12, color: 'var(--adm-color-weak)' }}>{t('cases.mobile.duplicateAdvice')}</div>
        </div>
      )}

      <List header={t('cases.mobile.more')}>
        <List.Item>
          <TextArea
            placeholder={t('cases.mobile.descriptionPlaceholder')}
            value={description}
            onChange={setDescription}
            maxLength={1000}
            rows={3}
            autoSize={{ minRows: 2, maxRows: 6 }}
          />
        </List.Item>
        <List.Item>
          <Input placeholder={t('cases.mobile.addressPlaceholder')} value={address} onChange={setAddress} maxLength={120} clearable />
        </List.Item>
      </List>

      <div style={{ padding: '16px 12px' }}>
        <Button block color="primary" size="large" disabled={!ready} loading={busy} onClick={() => void submit()} className="report-submit">
          {t('cases.mobile.submit')}
        </Button>
        {!leaf && (
          <div style={{ marginTop: 8, textAlign: 'center', fontSize: 12, color: 'var(--adm-color-weak)' }}>
            {t('cases.mobile.pickFirst')}
          </div>
        )}
      </div>
    </div>
  );
}

/** The units one may report by when there is no usable GPS point: a worker's micro-grids, an office its unit and the level below. */
function reportUnits(roots: OrgNode[]): OrgNode[] {
  const units = roots.flatMap((root) => (root.level === 'microgrid' ? [root] : [root, ...root.children]));
  return units.filter((unit) => unit.level !== 'department');
}

/** The quick picks: recently used leaves, then the first leaves of the catalogue, the chosen one always among them. */
function quickCategories(catalogue: CaseCatalogue, recent: string[], chosen: string | null): string[] {
  const active = catalogue.majors.flatMap((major) => major.leaves.filter((leaf: Leaf) => leaf.active).map((leaf) => leaf.code));
  const known = new Set(active);
  const picks = [...new Set([...recent.filter((code) => known.has(code)), ...active])].slice(0, QUICK_CATEGORIES);
  // One picked from the full list takes the last place, so the chips never move under the thumb.
  return chosen && !picks.includes(chosen) ? [...picks.slice(0, QUICK_CATEGORIES - 1), chosen] : picks;
}

function gpsProblem(t: (key: string) => string, fix: ReturnType<typeof useGeolocation>['fix'], placement: string): string {
  if (placement === 'outside') return t('cases.mobile.gpsOutside');
  if (fix.status === 'failed') return t(`cases.mobile.gpsFailed.${fix.reason}`);
  return '';
}
