import 'leaflet/dist/leaflet.css';
import './UnitMap.css';
import { Alert, Empty, Spin } from 'antd';
import L from 'leaflet';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../i18n/index.ts';
import type { UnitFeature, UnitFeatureCollection } from '../../shared/model.ts';
import { useApi } from '../../shared/useApi.ts';
import { colourByNeighbours, PALETTE } from './colours.ts';

/** The server's default; asked when the extent of the unit is not known yet. */
const DEFAULT_ZOOM = 14;
const MAX_ZOOM = 20;
const PADDING = 16;
/** Up to this many children get a permanent name label; more get a hover tooltip. */
const LABEL_LIMIT = 30;

const clampZoom = (zoom: number) => Math.min(MAX_ZOOM, Math.max(0, Math.round(zoom)));

/**
 * The children of unit `code` drawn as vector polygons, without any tile layer (so it works offline):
 * one colour per child, neighbours never alike, each labelled with its name less `name`, the unit's own
 * (馨园社区第1网格 → 1号微网格 in 馨园社区第1网格); clicking a child calls `onSelect(childCode)`.
 *
 * Boundaries come from `GET /api/org/map` thinned for a zoom level: the zoom the map will show them at
 * (known ahead when the unit is a polygon on screen, i.e. drilling down), else the server's default;
 * the map asks again with more detail when it is zoomed in beyond what it has.
 */
export function UnitMap({
  code,
  name,
  onSelect,
  fillOf,
}: {
  code: string;
  name?: string;
  onSelect: (code: string) => void;
  /** A colour per child code telling its figures (the curtain pact's board); by default neighbours are told apart. */
  fillOf?: (code: string) => string | undefined;
}) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const layer = useRef<L.GeoJSON | null>(null);
  const fitted = useRef<string | null>(null); // the unit whose collection the view was fitted to
  const select = useRef(onSelect);
  const fill = useRef(fillOf);
  const [request, setRequest] = useState<{ code: string; zoom: number } | null>(null);

  useEffect(() => {
    select.current = onSelect;
  }, [onSelect]);

  // New figures recolour what is drawn, without asking for the boundaries again.
  useEffect(() => {
    fill.current = fillOf;
    const drawn = layer.current;
    if (drawn && fillOf) drawn.eachLayer((child) => drawn.resetStyle(child as L.Path));
  }, [fillOf]);

  useEffect(() => {
    const created = L.map(container.current!, { attributionControl: false, maxZoom: MAX_ZOOM, zoomSnap: 0.25 });
    created.setView([35, 105], 4); // until the first collection arrives; there is nothing to see yet
    // Zoomed in beyond the detail at hand: ask again (zooming out needs nothing finer).
    created.on('zoomend', () => {
      const zoom = clampZoom(created.getZoom());
      setRequest((current) => (current && zoom > current.zoom ? { ...current, zoom } : current));
    });
    map.current = created;
    return () => {
      created.remove();
      map.current = null;
      layer.current = null;
      fitted.current = null;
    };
  }, []);

  useEffect(() => {
    // A child on screen (clicked on the map, or in the table or the tree) tells the zoom it will be shown at.
    const shown = layer.current?.getLayers().find((child) => (child as L.Polygon).feature?.id === code) as L.Polygon | undefined;
    const zoom =
      shown && map.current
        ? clampZoom(map.current.getBoundsZoom(shown.getBounds(), false, L.point(2 * PADDING, 2 * PADDING)))
        : DEFAULT_ZOOM;
    setRequest({ code, zoom });
  }, [code]);

  const current = request?.code === code ? request : null;
  const answer = useApi<UnitFeatureCollection>(current && `/api/org/map?within=${encodeURIComponent(current.code)}&zoom=${current.zoom}`);
  const collection = answer.data;
  const failed = answer.error !== undefined;

  useEffect(() => {
    const view = map.current;
    const element = container.current;
    if (!view || !element || !current || (!collection && !failed)) return;
    layer.current?.remove(); // a new collection, or a failure: the old one must not stand for it
    layer.current = null;
    if (!collection) {
      fitted.current = null;
      delete element.dataset.within;
      return;
    }
    if (collection.features.length > 0) {
      const colours = colourByNeighbours(collection.features);
      const permanent = collection.features.length <= LABEL_LIMIT;
      const style = (feature?: { id?: string | number }): L.PathOptions => {
        const colour = fill.current?.(String(feature?.id)) ?? PALETTE[colours.get(String(feature?.id)) ?? 0];
        return { className: `unit-${feature?.id}`, color: colour, weight: 1.5, fillColor: colour, fillOpacity: 0.3 };
      };
      const drawn = L.geoJSON(collection.features, {
        style,
        onEachFeature: (feature, child) => {
          const { code: childCode, name: childName } = (feature as unknown as UnitFeature).properties;
          const label = document.createElement('span');
          label.textContent = shortName(childName, name); // text, never HTML: names are typed in by people
          child.bindTooltip(label, { permanent, sticky: !permanent, direction: 'center', className: 'unit-map-label' });
          child.on({
            click: () => select.current(childCode),
            mouseover: () => (child as L.Path).setStyle({ weight: 3, fillOpacity: 0.55 }),
            mouseout: () => drawn.resetStyle(child),
          });
        },
      });
      drawn.addTo(view);
      layer.current = drawn;
      if (fitted.current !== current.code) {
        view.invalidateSize(); // the container may just have come back from the empty state
        const [minLng, minLat, maxLng, maxLat] = collection.bbox ?? bboxOf(drawn.getBounds());
        view.fitBounds(
          [
            [minLat, minLng],
            [maxLat, maxLng],
          ],
          { padding: [PADDING, PADDING], animate: false },
        );
      }
    }
    fitted.current = current.code;
    element.dataset.within = current.code; // drawn: lets tests (and curious people) see what is shown
  }, [collection, failed, current, name]);

  const empty = collection?.features.length === 0;
  return (
    <div className="unit-map-frame">
      {failed && <Alert type="error" showIcon title={errorMessage(answer.error)} style={{ marginBottom: 12 }} />}
      <div ref={container} className="unit-map" style={{ display: empty ? 'none' : undefined }} />
      {empty && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('map.empty')} />}
      {answer.loading && <Spin size="small" className="unit-map-spin" />}
    </div>
  );
}

/** `name` without the parent's name in front, when something is left: the map shows the parent already. */
function shortName(name: string, parent: string | undefined): string {
  return parent && name.length > parent.length && name.startsWith(parent) ? name.slice(parent.length) : name;
}

function bboxOf(bounds: L.LatLngBounds): [number, number, number, number] {
  return [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()];
}
