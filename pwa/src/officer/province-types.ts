/** Shapes of `/api/province/…` (backend/province/service.py). */

export interface Criterion {
  id: string;
  group: 'publicity' | 'progress' | 'digitisation' | 'online' | 'satisfaction';
  name_vi: string;
  name_en: string;
  measurable: boolean;
  weight: number | null;
  numerator: number | null;
  denominator: number | null;
  rate: number | null;
  points: number | null;
  why_not: string;
}

export interface Goal {
  id: string;
  name_vi: string;
  name_en: string;
  target: number;
  rate: number | null;
  met: boolean | null;
  measured: boolean;
  note: string;
}

export interface IndexResult {
  criteria: Criterion[];
  goals: Goal[];
  points: number;
  points_possible: number;
  average_processing_days: number | null;
  extra: Record<string, number>;
}

export interface Summary {
  points: number;
  points_possible: number;
  on_time_rate: number | null;
  satisfaction_rate: number | null;
  electronic_result_rate: number | null;
  finished: number;
  received: number;
  average_processing_days: number | null;
}

export interface CommuneRow extends Summary {
  commune_id: string;
  name: string;
  overdue_open: number;
  rank: number;
}

export interface ProvinceView {
  province: { id: string; name: string };
  from: string;
  to: string;
  index: IndexResult;
  overdue_open: number;
  communes: CommuneRow[];
}

export interface CommuneView {
  commune: { id: string; name: string; province_id: string };
  from: string;
  to: string;
  index: IndexResult;
  overdue_open: number;
  procedures: (Summary & { procedure_code: string })[];
}

export interface Trend {
  weeks: (Summary & { week: string })[];
}

export interface DrillRow {
  id: string;
  official_code: string | null;
  procedure_code: string;
  status: string;
  outcome: string | null;
  received_at: string | null;
  due_date: string | null;
  at: string | null;
}

export interface Drill {
  metric: string;
  dossiers: DrillRow[];
}

export const DRILL_METRICS = ['finished', 'late', 'overdue', 'received', 'not_satisfied'] as const;
export type DrillMetric = (typeof DRILL_METRICS)[number];
