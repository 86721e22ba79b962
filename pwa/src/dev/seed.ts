/**
 * DEV ONLY (`npm run dev`): fills the local store with demo data so screens can be tried without
 * a backend. Open `/#/dev/seed` (or `/#/dev/seed?role=officer`). Never part of a production build:
 * main.tsx imports it behind `import.meta.env.DEV`, which the bundler removes.
 */
import { db } from '../store/db';
import { householdSearchKey, searchKey } from '../store/search';
import type { HouseholdRow, MemberRow, Session } from '../store/types';

const catalogue = import.meta.glob('../../../backend/catalog/procedures/*.json', { eager: true, import: 'default' });

const NOW = new Date().toISOString();
const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const HOUSEHOLDS: [string, string, [string, string, string, string?][]][] = [
  ['Xóm Đồng, thôn Yên Bình', 'v-yen-binh', [['Nguyễn Văn An', 'chu_ho', '1980-04-12', 'male'], ['Trần Thị Bích', 'vo', '1984-09-30', 'female'], ['Nguyễn Minh Châu', 'con', '2010-01-05', 'female']]],
  ['Xóm Chùa, thôn Yên Bình', 'v-yen-binh', [['Lò Văn Pọm', 'chu_ho', '1975-02-03', 'male'], ['Lò Thị Mai', 'vo', '1978-06-21', 'female']]],
  ['Đội 4, thôn Đông Hà', 'v-dong-ha', [['Phạm Thị Đào', 'chu_ho', '1962-11-11', 'female'], ['Phạm Đức Hải', 'con', '1990-03-15', 'male']]],
];

export async function seedDemo(role: string): Promise<void> {
  const d = db();
  let n = 1;
  const households: HouseholdRow[] = [];
  const members: MemberRow[] = [];
  for (const [address, village, people] of HOUSEHOLDS) {
    const hid = uuid(n++);
    const rows = people.map(([full_name, relationship, date_of_birth, sex]) => ({
      id: uuid(n++),
      household_id: hid,
      full_name,
      relationship,
      date_of_birth,
      sex: sex as 'male' | 'female',
      ethnicity: 'Kinh',
      search_key: searchKey(full_name),
      updated_at: NOW,
    }));
    const head = rows[0]!;
    members.push(...rows);
    households.push({
      id: hid,
      village_id: village,
      head_name: head.full_name,
      head_member_id: head.id,
      address,
      search_key: householdSearchKey(head.full_name, address, rows.map((r) => r.full_name)),
      updated_at: NOW,
    });
  }
  const session: Session = {
    token: 'dev-token',
    user: { id: uuid(999), username: 'demo', full_name: 'Người dùng thử', role, commune_id: 'c-demo', village_ids: ['v-yen-binh', 'v-dong-ha'] },
  };
  await d.transaction('rw', [d.villages, d.households, d.members, d.procedures, d.dossiers, d.meta], async () => {
    await d.villages.bulkPut([
      { id: 'v-yen-binh', commune_id: 'c-demo', name: 'Thôn Yên Bình' },
      { id: 'v-dong-ha', commune_id: 'c-demo', name: 'Thôn Đông Hà' },
    ]);
    await d.households.bulkPut(households);
    await d.members.bulkPut(members);
    for (const def of Object.values(catalogue) as { code: string; version: number }[]) {
      await d.procedures.put({ code: def.code, version: def.version, definition: def });
    }
    await d.dossiers.put({
      id: uuid(500),
      household_id: households[0]!.id,
      procedure_code: 'khai-sinh',
      procedure_version: 1,
      status: 'draft',
      sync_state: 'local',
      values: {},
      updated_at: NOW,
    });
    await d.meta.put({ key: 'session', value: session });
  });
}
