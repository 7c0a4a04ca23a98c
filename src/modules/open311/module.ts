import type { ModuleManifest } from '../../platform/module.ts';
import { open311Routes } from './open311.routes.ts';

/**
 * Open311 GeoReport v2 (DOMAIN.md §4, docs/open311.md): the international open standard for the
 * same loop, so existing civic clients can list our public categories, report problems with an API
 * key, and follow public cases. Talks to cases and org through their exported commands and queries.
 */
export const open311Module: ModuleManifest = {
  name: 'open311',
  routes: open311Routes,
};
