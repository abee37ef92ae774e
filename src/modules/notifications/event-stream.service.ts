/**
 * Who may watch the live case stream and what they see: staff by their area scope, department
 * handlers by their departments. The payload carries no personal data (public code, grid, state,
 * category, department), so the only question is which cases' events reach whom.
 */

import type { Db } from '../../db/db.js';
import type { Actor } from '../../kernel/actor.js';
import { areaScope, departmentScope, Policy } from '../../kernel/policy.js';
import { definedFields } from '../../lib/defined.js';
import type { CaseEventMessage } from '../cases/index.js';
import { AREA_READER_ROLES } from '../cases/index.js';
import { matchesFilter, type StreamFilter } from './case-event-hub.js';
import { EventStreamRepository } from './event-stream.repository.js';

/** Staff watch the stream; residents follow their own cases through the inbox and tracking page. */
export const eventStreamPolicy = new Policy('event_stream').allow(
  [...AREA_READER_ROLES, 'dept_handler'],
  ['subscribe'],
);

/** The most events a reconnecting client is sent before going live (older ones: reload). */
export const RESUME_LIMIT = 1000;

/** Use cases of the live stream. */
export class EventStreamService {
  constructor(
    private readonly db: Db,
    private readonly repo: EventStreamRepository = new EventStreamRepository(),
  ) {}

  /** The filter of a new stream (403 for actors without a staff role). */
  filterFor(actor: Actor, within: string | undefined): StreamFilter {
    eventStreamPolicy.assertPermits(actor, 'subscribe');
    const scope = areaScope(actor, AREA_READER_ROLES);
    return {
      all: scope.all,
      areaPrefixes: scope.all ? [] : scope.codes,
      departments: departmentScope(actor),
      ...definedFields({ within }),
    };
  }

  /** Events the stream missed after `lastEventId`, already filtered for it. */
  async backlog(filter: StreamFilter, lastEventId: number): Promise<CaseEventMessage[]> {
    const rows = await this.repo.since(this.db, lastEventId, {
      limit: RESUME_LIMIT,
      ...definedFields({ within: filter.within }),
    });
    return rows.filter((m) => matchesFilter(filter, m));
  }
}
