import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef } from 'react';
import { api } from '../lib/api';

/** A polygon to draw, with its fill colour and a label for the tooltip. */
export interface MapShape {
  code: string;
  geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon;
  fill: string;
  label: string;
  weight?: number;
  /** Outline colour (dark by default; lighter on the dark dashboard). */
  stroke?: string;
}

/** A point to draw (a case, the resident's pin). */
export interface MapPoint {
  id: string;
  lng: number;
  lat: number;
  color: string;
  label?: string;
  radius?: number;
}

interface Props {
  shapes?: MapShape[];
  points?: MapPoint[];
  /** Fit the view to these bounds [minLng, minLat, maxLng, maxLat] when they change. */
  bbox?: [number, number, number, number] | undefined;
  onMapClick?: (lng: number, lat: number) => void;
  onShapeClick?: (code: string) => void;
  className?: string;
  label: string;
}

let tileUrl: Promise<string> | undefined;
function loadTileUrl(): Promise<string> {
  tileUrl ??= api<{ tileUrl: string }>('GET', '/api/dashboard/config').then(
    (c) => c.tileUrl,
    () => '',
  );
  return tileUrl;
}

/**
 * A Leaflet map. Tiles come from the server's TILE_URL; without it (or offline) the grid
 * polygons are drawn on a plain background, so the map always works.
 */
export function MapView({ shapes, points, bbox, onMapClick, onShapeClick, className, label }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const shapeLayer = useRef<L.LayerGroup | null>(null);
  const pointLayer = useRef<L.LayerGroup | null>(null);
  const handlers = useRef({ onMapClick, onShapeClick });
  handlers.current = { onMapClick, onShapeClick };

  useEffect(() => {
    if (!el.current) return;
    const m = L.map(el.current, { zoomControl: true, attributionControl: false, preferCanvas: true });
    m.setView([31.3, 120.62], 11);
    shapeLayer.current = L.layerGroup().addTo(m);
    pointLayer.current = L.layerGroup().addTo(m);
    m.on('click', (e: L.LeafletMouseEvent) => handlers.current.onMapClick?.(e.latlng.lng, e.latlng.lat));
    map.current = m;
    void loadTileUrl().then((url) => {
      if (url && map.current === m) L.tileLayer(url, { maxZoom: 19 }).addTo(m).bringToBack();
    });
    const ro = new ResizeObserver(() => m.invalidateSize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      m.remove();
      map.current = null;
    };
  }, []);

  useEffect(() => {
    const layer = shapeLayer.current;
    if (!layer) return;
    layer.clearLayers();
    for (const s of shapes ?? []) {
      const g = L.geoJSON(s.geometry, {
        style: { color: s.stroke ?? '#30415d', weight: s.weight ?? 1, fillColor: s.fill, fillOpacity: 0.72 },
      });
      g.bindTooltip(asText(s.label), { sticky: true });
      g.on('click', (e) => {
        if (handlers.current.onShapeClick) {
          L.DomEvent.stopPropagation(e);
          handlers.current.onShapeClick(s.code);
        }
      });
      g.addTo(layer);
    }
  }, [shapes]);

  useEffect(() => {
    const layer = pointLayer.current;
    if (!layer) return;
    layer.clearLayers();
    for (const p of points ?? []) {
      const c = L.circleMarker([p.lat, p.lng], {
        radius: p.radius ?? 7,
        color: '#fff',
        weight: 2,
        fillColor: p.color,
        fillOpacity: 1,
      });
      if (p.label) c.bindTooltip(asText(p.label));
      c.addTo(layer);
    }
  }, [points]);

  const bboxKey = bbox?.join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: refit only when the box changes
  useEffect(() => {
    if (!bbox || !map.current) return;
    map.current.fitBounds(
      [
        [bbox[1], bbox[0]],
        [bbox[3], bbox[2]],
      ],
      { padding: [12, 12] },
    );
  }, [bboxKey]);

  return <div ref={el} className={className ?? 'map'} role="application" aria-label={label} />;
}

/**
 * A label as a text node for Leaflet: a string given to bindTooltip is set as HTML, so an area
 * name like `<img onerror=…>` would be markup (the CSP stopped the script, nothing else did).
 */
function asText(label: string): HTMLElement {
  const span = document.createElement('span');
  span.textContent = label;
  return span;
}
