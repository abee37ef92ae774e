/**
 * The in-app inbox: a signed-in user reads and clears their own notifications. Every query is
 * keyed by the actor's user id, so nobody can read or mark anyone else's.
 */

import type { Db } from '../../db/db.js';
import type { Actor } from '../../kernel/actor.js';
import type { Clock } from '../../lib/clock.js';
import { definedFields } from '../../lib/defined.js';
import { CommonErrors } from '../../lib/errors.js';
import { type NotificationRecord, NotificationRepository } from './notification.repository.js';

/** Filters of an inbox page. */
export interface InboxQuery {
  unreadOnly: boolean;
  /** Only notifications older than this id (the previous page's last id). */
  beforeId?: number;
  limit: number;
}

function userIdOf(actor: Actor): number {
  if (actor.kind !== 'user') throw CommonErrors.Unauthenticated();
  return actor.userId;
}

/** Use cases of the inbox. */
export class NotificationService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly repo: NotificationRepository = new NotificationRepository(),
  ) {}

  /** A page of the actor's notifications, newest first, and whether there are more. */
  async list(actor: Actor, q: InboxQuery): Promise<{ items: NotificationRecord[]; hasMore: boolean }> {
    const userId = userIdOf(actor);
    const rows = await this.repo.list(this.db, userId, {
      unreadOnly: q.unreadOnly,
      limit: q.limit + 1,
      ...definedFields({ beforeId: q.beforeId }),
    });
    return { items: rows.slice(0, q.limit), hasMore: rows.length > q.limit };
  }

  /** The unread badge. */
  async unreadCount(actor: Actor): Promise<number> {
    return this.repo.unreadCount(this.db, userIdOf(actor));
  }

  /** Marks the actor's notifications read: all, or those up to and including `upToId`. */
  async markRead(actor: Actor, upToId: number | undefined): Promise<{ marked: number; unread: number }> {
    const userId = userIdOf(actor);
    return this.db.transaction(async (tx) => {
      const marked = await this.repo.markRead(tx, userId, upToId, this.clock.now());
      return { marked, unread: await this.repo.unreadCount(tx, userId) };
    });
  }
}
