/** Shapes of `/api/province/…` (backend/province/schemas.py), from the generated wire types. */
import type { Schemas } from '../api/wire';

export type Criterion = Schemas['Criterion'];
export type Goal = Schemas['Goal'];
export type IndexResult = Schemas['Index'];
export type Summary = Omit<Schemas['WeekRow'], 'week'>;
export type CommuneRow = Schemas['CommuneRow'];
export type ProvinceView = Schemas['ProvinceIndex'];
export type CommuneView = Schemas['CommuneIndex'];
export type Trend = Schemas['Trend'];
export type DrillRow = Schemas['DrillRow'];
export type Drill = Schemas['Drill'];

export const DRILL_METRICS = ['finished', 'late', 'overdue', 'received', 'not_satisfied'] as const;
export type DrillMetric = (typeof DRILL_METRICS)[number];
