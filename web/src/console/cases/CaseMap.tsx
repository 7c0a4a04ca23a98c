import 'leaflet/dist/leaflet.css';
import '../map/UnitMap.css';
import { Empty } from 'antd';
import L from 'leaflet';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseSummary, OrgUnit, UnitFeatureCollection } from '../../shared/model.ts';
import { useApi } from '../../shared/useApi.ts';

const ZOOM = 17;

/**
 * Where the case is: its point on a small map without tiles (offline, like the home map), over the
 * boundaries of the micro-grids around it when the caller may read them (a department may not: it
 * gets the point alone). A case reported by unit, without a point, shows its micro-grid outlined.
 */
export function CaseMap({ kase }: { kase: Pick<CaseSummary, 'areaCode' | 'location'> }) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const unit = useApi<OrgUnit>(`/api/org/units/${encodeURIComponent(kase.areaCode)}`);
  const within = unit.data ? (unit.data.level === 'microgrid' ? unit.data.parentCode : unit.data.code) : null;
  const boundaries = useApi<UnitFeatureCollection>(within ? `/api/org/map?within=${encodeURIComponent(within)}&zoom=${ZOOM}` : null);
  const settled = unit.error !== undefined || boundaries.error !== undefined || boundaries.data !== undefined || (unit.data && !within);
  const collection = boundaries.data;
  const lng = kase.location?.lng;
  const lat = kase.location?.lat;
  const drawable = lng !== undefined || (collection?.features.some((feature) => feature.id === kase.areaCode) ?? false);

  useEffect(() => {
    if (!container.current || !settled) return;
    const features = collection?.features ?? [];
    const own = features.filter((feature) => feature.id === kase.areaCode);
    if (lng === undefined && own.length === 0) return;
    const map = L.map(container.current, { attributionControl: false, maxZoom: 20, zoomSnap: 0.25 });
    // The view first: Leaflet cannot draw vectors on a map without one.
    const at = lng !== undefined && lat !== undefined ? L.latLng(lat, lng) : null;
    // The micro-grid with the point in it, or the point alone when the boundary is not to be had.
    const bounds = own.length > 0 ? L.geoJSON(own).getBounds() : null;
    if (at) bounds?.extend(at);
    if (bounds) map.fitBounds(bounds, { padding: [16, 16], maxZoom: 18 });
    else if (at) map.setView(at, ZOOM);
    if (features.length > 0) {
      L.geoJSON(features, {
        interactive: false,
        style: (feature) =>
          feature?.id === kase.areaCode
            ? { color: '#1677ff', weight: 2, fillColor: '#1677ff', fillOpacity: 0.12 }
            : { color: '#8c8c8c', weight: 1, fillColor: '#d9d9d9', fillOpacity: 0.15 },
      }).addTo(map);
    }
    if (at) {
      L.circle(at, { radius: 100, color: '#f5222d', weight: 1, dashArray: '4 4', fill: false, interactive: false }).addTo(map);
      L.circleMarker(at, { radius: 8, color: '#fff', weight: 2, fillColor: '#f5222d', fillOpacity: 1, className: 'case-point' }).addTo(map);
    }
    return () => {
      map.remove();
    };
  }, [settled, collection, kase.areaCode, lng, lat]);

  if (settled && !drawable) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('cases.noLocation')} />;
  return <div ref={container} className="unit-map case-map" style={{ height: 260 }} data-case-map={lng !== undefined ? 'point' : 'area'} />;
}
