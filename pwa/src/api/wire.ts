/**
 * Named wire shapes of the server's API. They come from the OpenAPI document the server
 * generates (`make wire-types` writes wire.gen.ts; `make check` fails when it drifts), so a
 * field renamed or retyped on the server breaks `tsc` here instead of the app at run time.
 */
import type { components } from './wire.gen';

export type Schemas = components['schemas'];

/** RFC 9457 problem+json as the server sends it; parsed leniently (any field may be missing). */
export type Problem = Partial<Omit<Schemas['Problem'], 'errors'>> & { errors?: Record<string, unknown>[] };

export type LoginResponse = Schemas['LoginResponse'];
export type UserOut = Schemas['UserOut'];
export type PushAnswer = Schemas['PushOut'];
export type PushAnswerV2 = Schemas['PushOutV2'];
export type PushResultV1 = Schemas['PushResult'];
export type PushResultV2 = Schemas['PushResultV2'];
export type PullAnswer = Schemas['PullOut'];
export type PullChange = Schemas['PullChange'];
export type PublicKeys = Schemas['PublicKeys'];
export type PublicKey = Schemas['PublicKey'];
export type ConflictOut = Schemas['ConflictOut'];
export type ConflictPage = Schemas['ConflictPage'];
export type DeviceOut = Schemas['DeviceOut'];
export type DeviceStatusOut = Schemas['DeviceStatusOut'];
export type TicketEnrolOut = Schemas['TicketEnrolOut'];
export type Procedure = Schemas['Procedure'];
export type VillageOut = Schemas['VillageOut'];
export type UnitCommune = Schemas['units_schemas_CommuneOut'];
export type SubscriptionOut = Schemas['SubscriptionOut'];
export type VapidKeyOut = Schemas['VapidKeyOut'];
export type UploadOut = Schemas['UploadOut'];
export type MissingOut = Schemas['MissingOut'];
export type ResultOut = Schemas['ResultOut'];
