/**
 * The in-app inbox as other modules write to it: the cases module notifies reporters, handlers
 * and area roles through this port, and the notifications module implements it (the composition
 * root wires one to the other), so cases never import notifications.
 */
import type { Queryable } from '../db/db.js';
import type { RoleName } from './actor.js';

/** Who should hear about a case change. */
export type Audience =
  | { kind: 'users'; userIds: readonly number[] }
  /** Handlers of these departments. */
  | { kind: 'departments'; departments: readonly string[] }
  /** Holders of these roles whose area contains the grid (e.g. the street's dispatchers). */
  | { kind: 'area_roles'; roles: readonly RoleName[]; gridCode: string };

/** A notification to send: to every user in its audiences. */
export interface NewNotification {
  audiences: readonly Audience[];
  caseId: number | null;
  kind: string;
  titleZh: string;
  titleEn: string;
  body: Record<string, unknown>;
  at: Date;
}

/** Writes notifications inside the caller's transaction. */
export interface InboxWriter {
  /** One insert per notification; the user ids each one reached, in order. */
  notifyMany(q: Queryable, ns: readonly NewNotification[]): Promise<number[][]>;
}
