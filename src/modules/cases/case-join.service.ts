/**
 * "Me too": a resident who finds their problem already reported joins the open case as a
 * reporter (and gets its updates) instead of filing a new one.
 */
import type { Actor } from '../../kernel/actor.js';
import { normalisePhone } from '../../lib/privacy.js';
import { CaseErrors } from './case.errors.js';
import { casePolicy } from './case.policy.js';
import type { CaseSupport } from './case-support.js';

/** States in which a case takes no more reporters. */
const NOT_JOINABLE = new Set(['closed', 'evaluated', 'rejected', 'voided']);

export class CaseJoinService {
  constructor(private readonly s: CaseSupport) {}

  /** "Me too": the actor joins an open case as a reporter instead of filing a new one. */
  async join(
    actor: Actor,
    publicCode: string,
    p: { reporterPhone?: string; reporterName?: string },
  ): Promise<{ publicCode: string; reporters: number }> {
    casePolicy.assertPermits(actor, 'report');
    const { db, repo, cipher, clock } = this.s.deps;
    return db.transaction(async (tx) => {
      const found = await repo.findByPublicCode(tx, publicCode);
      if (!found) throw CaseErrors.CaseNotFound({ params: { id: publicCode } });
      const c = (await repo.findById(tx, found.id, true))!;
      if (NOT_JOINABLE.has(c.state)) throw CaseErrors.NotJoinable();
      const userId = actor.kind === 'user' ? actor.userId : null;
      const phone = p.reporterPhone ? normalisePhone(p.reporterPhone) : null;
      const phoneHash = phone ? cipher.lookupHash(phone) : null;
      const added = await repo.addReporter(tx, {
        caseId: c.id,
        userId,
        phoneHash,
        phoneEnc: phone ? cipher.encrypt(phone) : null,
        nameEnc: p.reporterName ? cipher.encrypt(p.reporterName) : null,
        channel: 'resident',
        original: false,
        at: clock.now(),
      });
      if (!added) throw CaseErrors.AlreadyJoined();
      await this.s.record(tx, c, { actor, action: 'join', fromState: c.state, data: {} });
      return { publicCode: c.publicCode, reporters: await repo.reporterCount(tx, c.id) };
    });
  }
}
