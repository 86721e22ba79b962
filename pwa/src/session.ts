import type { SessionUser } from './store/types';

/** Roles that may open the officer console (the server enforces the same on its API). */
export const isOfficer = (user: SessionUser): boolean =>
  user.role === 'officer' || user.role === 'admin' || user.role === 'province_monitor' || user.role === 'province_admin';
