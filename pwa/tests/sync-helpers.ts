/** Shared set-up for the device / outbox / sync-loop tests: a fresh DB, a fake server, a logged-in enrolled volunteer. */
import { firstLogin } from '../src/device/account';
import type { EnrolledDevice } from '../src/device/keystore';
import { setUnlocked } from '../src/device/lock';
import { setTransport } from '../src/api/http';
import { setDbForTests, type LangsoDB } from '../src/store/db';
import type { Session } from '../src/store/types';
import { FakeServer, PASSWORD, USER } from './fake-server';
import { freshDb } from './store-harness';

export interface World {
  d: LangsoDB;
  server: FakeServer;
  device: EnrolledDevice;
  session: Session;
}

export async function loggedIn(): Promise<World> {
  const d = freshDb();
  setDbForTests(d);
  const server = await FakeServer.create();
  setTransport(server.fetch);
  const outcome = await firstLogin(USER.username, PASSWORD, server.fetch, d);
  setUnlocked(true);
  return { d, server, device: outcome.device!, session: outcome.session };
}

export function teardown(w: World | undefined): void {
  setTransport(undefined);
  setDbForTests(undefined);
  setUnlocked(false);
  w?.d.close();
}

export const HH = '22222222-2222-4222-8222-222222222222';
export const MEMBER = '33333333-3333-4333-8333-333333333333';
export const DOSSIER = '44444444-4444-4444-8444-444444444444';
