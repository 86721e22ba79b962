/**
 * Volunteer screens that the first screen (login, unlock, village list) does not need, each loaded
 * on first visit so a slowed phone downloads less before it can show anything (the entry budget in
 * scripts/budget-lib.mjs). Every chunk is still precached by the service worker and the first
 * install claims the page (vite.config.ts), so they load offline in the session that logged in;
 * scripts/precache-check.mjs fails the build if one is not precached.
 */
import { lazyScreen } from './ui/lazy';

export const Dossiers = lazyScreen(() => import('./screens/Dossiers').then((m) => m.Dossiers));
export const DossierDetail = lazyScreen(() => import('./screens/DossierDetail').then((m) => m.DossierDetail));
export const NewDossier = lazyScreen(() => import('./features/dossier/NewDossier').then((m) => m.NewDossier));
export const RatingScreen = lazyScreen(() => import('./features/dossier/Rating').then((m) => m.RatingScreen));
export const Household = lazyScreen(() => import('./screens/Household').then((m) => m.Household));
export const Households = lazyScreen(() => import('./screens/Households').then((m) => m.Households));
export const MemberEdit = lazyScreen(() => import('./screens/MemberEdit').then((m) => m.MemberEdit));
export const Procedures = lazyScreen(() => import('./screens/Procedures').then((m) => m.Procedures));
export const ProcedurePreview = lazyScreen(() => import('./screens/Procedures').then((m) => m.ProcedurePreview));
export const Settings = lazyScreen(() => import('./screens/Settings').then((m) => m.Settings));
export const Conflicts = lazyScreen(() => import('./screens/Conflicts').then((m) => m.Conflicts));
