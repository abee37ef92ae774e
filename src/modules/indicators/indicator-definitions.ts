/**
 * The indicators of the closed loop (DOMAIN.md §2), each defined exactly once. Every rate is a count
 * of CASES, never of events: the cases of a population (the denominator) that show a fact (the
 * numerator), so a case dispatched twice counts once and every rate lies in [0, 1]. The API, the CLI
 * export, the docs (docs/indicators.md) and the property test
 * (test/security/indicators.property.test.ts) all read these definitions.
 *
 * A fact (`CaseFact`) is something one case's events show within the period, in the area (the
 * case's grid) and for the department (the event's department); `CASE_FACT_TEXT` says what each
 * means and the repository holds its SQL. The period is a range of local days (Asia/Shanghai),
 * both included; an event counts on the day it happened.
 *
 * A ratio whose population is empty is `null` (no data), never 0 or 100 %.
 */

/** What one case's events in the period show (see CASE_FACT_TEXT for each). */
export const CASE_FACTS = [
  'reported',
  'filed',
  'rejected',
  'filing_decided',
  'filing_on_time',
  'filed_not_voided',
  'dispatch_due',
  'dispatch_done',
  'dispatch_on_time',
  'dispatched',
  'dispatched_clean',
  'handling_due',
  'handled',
  'handled_on_time',
  'closing_due',
  'verification_done',
  'verification_on_time',
  'closed',
  'reworked',
  'follow_up_due',
  'evaluated',
  'resolved',
  'satisfied',
  'basically_satisfied',
] as const;

/** A fact about one case in the period. */
export type CaseFact = (typeof CASE_FACTS)[number];

/** What each fact means, in words (the docs and the API show these next to each figure). */
export const CASE_FACT_TEXT: Readonly<Record<CaseFact, { zh: string; en: string }>> = {
  reported: { zh: '期内被上报（收集）', en: 'reported (collected) in the period' },
  filed: { zh: '期内立案', en: 'filed in the period' },
  rejected: { zh: '期内不予立案', en: 'rejected in the period' },
  filing_decided: {
    zh: '期内作出受理决定（立案、不予立案或作废），立案时限停止',
    en: 'had its filing decision (file, reject or void) in the period, stopping the filing clock',
  },
  filing_on_time: {
    zh: '期内的受理决定都在立案时限内',
    en: 'every filing decision in the period was within the filing deadline',
  },
  filed_not_voided: {
    zh: '期内立案，且至今未被作废或合并',
    en: 'filed in the period and never voided or merged (to date)',
  },
  dispatch_due: {
    zh: '期内立案或重新办理，或期内被派遣（应派遣）',
    en: 'filed or reopened in the period, or dispatched in it (due for dispatch)',
  },
  dispatch_done: {
    zh: '期内派遣或吹哨，派遣时限停止',
    en: 'dispatched or whistled in the period, stopping the dispatch clock',
  },
  dispatch_on_time: {
    zh: '期内被派遣，且期内每次派遣都在派遣时限内',
    en: 'dispatched in the period, every time within the dispatch deadline',
  },
  dispatched: { zh: '期内被派遣', en: 'dispatched in the period' },
  dispatched_clean: {
    zh: '期内被派遣，且期内没有被回退或改派',
    en: 'dispatched in the period and neither returned nor reassigned in it',
  },
  handling_due: {
    zh: '期内被派遣、吹哨或返工，或期内处置完成（应处置）',
    en: 'dispatched, whistled or sent back for rework in the period, or handled in it (due for handling)',
  },
  handled: {
    zh: '期内部门全部反馈，处置阶段完成（回退不算完成）',
    en: 'every summoned department reported back in the period, ending the handling stage (a return does not)',
  },
  handled_on_time: {
    zh: '期内处置完成，且每次都在处置时限（含批准的延期）内',
    en: 'handled in the period, every time within the handling deadline (approved extensions included)',
  },
  closing_due: {
    zh: '期内处置完成或期内作出核查结论（应结案）',
    en: 'handled or verified in the period (due for closing)',
  },
  verification_done: {
    zh: '期内作出核查结论（通过或不通过）',
    en: 'verified in the period (passed or failed)',
  },
  verification_on_time: {
    zh: '期内作出核查结论，且每次都在核查时限内',
    en: 'verified in the period, every time within the verification deadline',
  },
  closed: { zh: '期内核查通过并结案', en: 'verified and closed in the period' },
  reworked: {
    zh: '期内核查不通过、退回返工',
    en: 'failed verification in the period and went back for rework',
  },
  follow_up_due: {
    zh: '期内结案或期内回访（应回访）',
    en: 'closed or followed up in the period (due for follow-up)',
  },
  evaluated: { zh: '期内回访并取得评价', en: 'followed up with an evaluation in the period' },
  resolved: {
    zh: '期内最后一次评价为满意或基本满意',
    en: 'the last evaluation in the period was satisfied or basically satisfied',
  },
  satisfied: { zh: '期内最后一次评价为满意', en: 'the last evaluation in the period was satisfied' },
  basically_satisfied: {
    zh: '期内最后一次评价为基本满意',
    en: 'the last evaluation in the period was basically satisfied',
  },
};

/** One indicator: which cases it counts, over which cases, with names and a readable definition. */
export interface IndicatorDefinition {
  /** Stable code used by the API, the export and dashboards. */
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  /** `count`: the number of cases with the numerator fact; `ratio`: numerator ÷ population. */
  readonly kind: 'count' | 'ratio';
  /**
   * Numerator: fact → weight, summed over the cases of the population (each case once per fact).
   * Facts summed together are mutually exclusive and weights lie in (0, 1], so a ratio stays in
   * [0, 1].
   */
  readonly numerator: Readonly<Partial<Record<CaseFact, number>>>;
  /** Denominator: the cases with ANY of these facts (for `count`, the numerator's cases). */
  readonly population: readonly CaseFact[];
  readonly definitionZh: string;
  readonly definitionEn: string;
}

/** Every indicator, in the order reports show them. */
export const INDICATORS: readonly IndicatorDefinition[] = [
  {
    code: 'report_count',
    nameZh: '上报数',
    nameEn: 'Reports',
    kind: 'count',
    numerator: { reported: 1 },
    population: ['reported'],
    definitionZh: '期内从各渠道收集的上报案件数（“我也遇到”附议不另计）。',
    definitionEn: 'Cases reported through any channel in the period ("me too" joins not counted again).',
  },
  {
    code: 'filing_rate',
    nameZh: '立案率',
    nameEn: 'Filing rate',
    kind: 'ratio',
    numerator: { filed: 1 },
    population: ['filed', 'rejected'],
    definitionZh: '期内立案的案件数 ÷ 期内立案或不予立案的案件数。',
    definitionEn: 'Cases filed in the period ÷ cases filed or rejected in the period.',
  },
  {
    code: 'on_time_filing_rate',
    nameZh: '按时立案率',
    nameEn: 'On-time filing rate',
    kind: 'ratio',
    numerator: { filing_on_time: 1 },
    population: ['filing_decided'],
    definitionZh: '期内在立案时限内作出受理决定（立案、不予立案或作废）的案件数 ÷ 期内作出受理决定的案件数。',
    definitionEn:
      'Cases whose filing decision (file, reject or void) in the period was within the filing deadline ÷ cases decided in the period.',
  },
  {
    code: 'accurate_filing_rate',
    nameZh: '准确立案率',
    nameEn: 'Accurate filing rate',
    kind: 'ratio',
    numerator: { filed_not_voided: 1 },
    population: ['filed'],
    definitionZh: '期内立案且至今未被作废或合并的案件数 ÷ 期内立案的案件数。',
    definitionEn: 'Cases filed in the period and never voided or merged since ÷ cases filed in the period.',
  },
  {
    code: 'on_time_dispatch_rate',
    nameZh: '按时派遣率',
    nameEn: 'On-time dispatch rate',
    kind: 'ratio',
    numerator: { dispatch_on_time: 1 },
    population: ['dispatch_due'],
    definitionZh:
      '期内被派遣且每次都在派遣时限内的案件数 ÷ 应派遣案件数（期内立案、重新办理或被派遣的案件；一个案件派遣多次只计一次）。',
    definitionEn:
      'Cases dispatched in the period, every time within the dispatch deadline ÷ cases due for dispatch (filed, reopened or dispatched in the period; a case dispatched twice counts once).',
  },
  {
    code: 'accurate_dispatch_rate',
    nameZh: '准确派遣率',
    nameEn: 'Dispatch accuracy',
    kind: 'ratio',
    numerator: { dispatched_clean: 1 },
    population: ['dispatched'],
    definitionZh: '期内被派遣且期内没有被部门回退或改派的案件数 ÷ 期内被派遣的案件数。',
    definitionEn:
      'Cases dispatched in the period and neither returned by a department nor reassigned in it ÷ cases dispatched in the period.',
  },
  {
    code: 'handling_rate',
    nameZh: '处置率',
    nameEn: 'Handling rate',
    kind: 'ratio',
    numerator: { handled: 1 },
    population: ['handling_due'],
    definitionZh:
      '期内处置完成（部门全部反馈；回退不算）的案件数 ÷ 应处置案件数（期内被派遣、吹哨、返工或处置完成的案件）。',
    definitionEn:
      'Cases handled in the period (every department reported back; a return does not count) ÷ cases due for handling (dispatched, whistled, sent back for rework or handled in the period).',
  },
  {
    code: 'on_time_handling_rate',
    nameZh: '按期处置率',
    nameEn: 'On-time handling rate',
    kind: 'ratio',
    numerator: { handled_on_time: 1 },
    population: ['handling_due'],
    definitionZh: '期内在处置时限（含批准的延期）内处置完成的案件数 ÷ 应处置案件数。',
    definitionEn:
      'Cases handled in the period within the handling deadline (approved extensions included) ÷ cases due for handling.',
  },
  {
    code: 'closure_rate',
    nameZh: '结案率',
    nameEn: 'Closure rate',
    kind: 'ratio',
    numerator: { closed: 1 },
    population: ['closing_due'],
    definitionZh: '期内核查结案的案件数 ÷ 应结案案件数（期内处置完成或作出核查结论的案件）。',
    definitionEn:
      'Cases verified and closed in the period ÷ cases due for closing (handled or verified in the period).',
  },
  {
    code: 'on_time_closure_rate',
    nameZh: '按期结案率',
    nameEn: 'On-time closure rate',
    kind: 'ratio',
    numerator: { verification_on_time: 1 },
    population: ['closing_due'],
    definitionZh: '期内在核查时限内作出核查结论的案件数 ÷ 应结案案件数。',
    definitionEn: 'Cases verified in the period within the verification deadline ÷ cases due for closing.',
  },
  {
    code: 'rework_rate',
    nameZh: '返工率',
    nameEn: 'Rework rate',
    kind: 'ratio',
    numerator: { reworked: 1 },
    population: ['closing_due'],
    definitionZh: '期内核查不通过、退回原部门返工的案件数 ÷ 应结案案件数。',
    definitionEn:
      'Cases that failed verification in the period and went back for rework ÷ cases due for closing.',
  },
  {
    code: 'hotline_response_rate',
    nameZh: '12345 响应率',
    nameEn: '12345 response rate',
    kind: 'ratio',
    numerator: { evaluated: 1 },
    population: ['follow_up_due'],
    definitionZh: '期内已回访（取得评价）的案件数 ÷ 应回访的案件数（期内结案或回访的案件）。',
    definitionEn:
      'Cases followed up with an evaluation in the period ÷ cases due for follow-up (closed or followed up in the period).',
  },
  {
    code: 'hotline_resolution_rate',
    nameZh: '12345 解决率',
    nameEn: '12345 resolution rate',
    kind: 'ratio',
    numerator: { resolved: 1 },
    population: ['evaluated'],
    definitionZh: '期内最后一次评价为满意或基本满意（诉求人认可已解决）的案件数 ÷ 期内回访的案件数。',
    definitionEn:
      'Cases whose last evaluation in the period was satisfied or basically satisfied ÷ cases followed up in the period.',
  },
  {
    code: 'hotline_satisfaction_rate',
    nameZh: '12345 满意率',
    nameEn: '12345 satisfaction rate',
    kind: 'ratio',
    numerator: { satisfied: 1, basically_satisfied: 0.9 },
    population: ['evaluated'],
    definitionZh: '（满意案件数 + 0.9 × 基本满意案件数）÷ 期内回访的案件数；按每个案件期内最后一次评价计。',
    definitionEn:
      '(Satisfied cases + 0.9 × basically satisfied cases) ÷ cases followed up in the period, by each case’s last evaluation in it.',
  },
];

/** An indicator code. */
export type IndicatorCode = (typeof INDICATORS)[number]['code'];

/** A composite score: a weighted sum of ratio indicators, scaled to 0–100 and graded A–E. */
export interface CompositeDefinition {
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  /** Indicator code → weight; the weights a city has not changed. */
  readonly weights: Readonly<Record<string, number>>;
  readonly definitionZh: string;
  readonly definitionEn: string;
}

/** The composite scores; a city changes their weights in `indicator_weights` (admin API). */
export const COMPOSITES: readonly CompositeDefinition[] = [
  {
    code: 'hotline_12345',
    nameZh: '12345 三率综合得分',
    nameEn: '12345 composite score',
    weights: { hotline_response_rate: 0.1, hotline_resolution_rate: 0.5, hotline_satisfaction_rate: 0.4 },
    definitionZh: '100 ×（0.1 × 响应率 + 0.5 × 解决率 + 0.4 × 满意率）。',
    definitionEn: '100 × (0.1 × response + 0.5 × resolution + 0.4 × satisfaction).',
  },
  {
    code: 'dispatcher',
    nameZh: '派遣综合得分',
    nameEn: 'Dispatcher composite score',
    weights: { on_time_dispatch_rate: 0.5, accurate_dispatch_rate: 0.5 },
    definitionZh:
      '100 ×（0.5 × 按时派遣率 + 0.5 × 准确派遣率）。常见规则中 20% 的“工作量”分是同级间的相对排名，单个区域无法计算，故按比例并入其余两项。',
    definitionEn:
      '100 × (0.5 × on-time dispatch + 0.5 × dispatch accuracy). The usual 20 % "volume" part ranks peers against each other and cannot be computed for one area, so its weight is spread over the other two.',
  },
  {
    code: 'closed_loop',
    nameZh: '闭环处置综合得分',
    nameEn: 'Closed-loop composite score',
    weights: {
      on_time_filing_rate: 0.2,
      on_time_dispatch_rate: 0.2,
      on_time_handling_rate: 0.3,
      on_time_closure_rate: 0.3,
    },
    definitionZh: '100 ×（0.2 × 按时立案率 + 0.2 × 按时派遣率 + 0.3 × 按期处置率 + 0.3 × 按期结案率）。',
    definitionEn:
      '100 × (0.2 × on-time filing + 0.2 × on-time dispatch + 0.3 × on-time handling + 0.3 × on-time closure).',
  },
];

/** Grade thresholds of a 0–100 score: A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, else E. */
export function gradeOf(score: number): 'A' | 'B' | 'C' | 'D' | 'E' {
  if (score >= 90) return 'A';
  if (score >= 75) return 'B';
  if (score >= 60) return 'C';
  if (score >= 40) return 'D';
  return 'E';
}

/** A set of cases to count: those with ANY fact of `any` and EVERY fact of `all`. */
export interface CaseCount {
  readonly any: readonly CaseFact[];
  readonly all: readonly CaseFact[];
}

/**
 * Every case count the indicators need, keyed: `pop:<code>` for a population and
 * `num:<code>:<fact>` for the population's cases with one numerator fact. The repository counts
 * them in one statement; computeIndicators combines them.
 */
export function caseCountsNeeded(): Map<string, CaseCount> {
  const out = new Map<string, CaseCount>();
  for (const d of INDICATORS) {
    out.set(`pop:${d.code}`, { any: d.population, all: [] });
    for (const fact of Object.keys(d.numerator) as CaseFact[]) {
      out.set(`num:${d.code}:${fact}`, { any: d.population, all: [fact] });
    }
  }
  return out;
}

/**
 * What a care visit task (special-group care, src/modules/care) shows in the period: the one
 * indicator that counts VISITS, not cases. A task is due on its due day; it was done on time
 * when the member was visited on or before that day. Counted by the care module's
 * VisitCoverageReader over `care_visit_tasks`; visits carry no department.
 */
export const VISIT_FACTS = ['visit_due', 'visit_on_time'] as const;
/** A fact about one visit task in the period. */
export type VisitFact = (typeof VISIT_FACTS)[number];

/** What each visit fact means, in words. */
export const VISIT_FACT_TEXT: Readonly<Record<VisitFact, { zh: string; en: string }>> = {
  visit_due: { zh: '走访任务的应走访日在期内', en: 'a visit task whose due day lies in the period' },
  visit_on_time: {
    zh: '期内应走访，且在应走访日当天或之前完成走访',
    en: 'due in the period and visited on or before its due day',
  },
};

/** An indicator over visit tasks (same shape as the case indicators, over visit facts). */
export interface VisitIndicatorDefinition extends Omit<IndicatorDefinition, 'numerator' | 'population'> {
  readonly subject: 'visit';
  readonly numerator: Readonly<Partial<Record<VisitFact, number>>>;
  readonly population: readonly VisitFact[];
}

/** The visit indicators (reported when the care module is wired in). */
export const VISIT_INDICATORS: readonly VisitIndicatorDefinition[] = [
  {
    code: 'visit_coverage_rate',
    subject: 'visit',
    nameZh: '重点人群走访覆盖率',
    nameEn: 'Care visit coverage',
    kind: 'ratio',
    numerator: { visit_on_time: 1 },
    population: ['visit_due'],
    definitionZh: '期内按时完成（应走访日当天或之前）的走访任务数 ÷ 应走访日在期内的走访任务数；不区分部门。',
    definitionEn:
      'Visit tasks done on time (on or before their due day) ÷ visit tasks due in the period; visits have no department.',
  },
];

/** The visit indicators from the period's counts; the rate lies in [0, 1], null when nothing was due. */
export function computeVisitIndicators(counts: { due: number; onTime: number }): IndicatorValue[] {
  return VISIT_INDICATORS.map((d) => ({
    code: d.code,
    nameZh: d.nameZh,
    nameEn: d.nameEn,
    kind: d.kind,
    numerator: counts.onTime,
    denominator: counts.due,
    value: counts.due === 0 ? null : round(counts.onTime / counts.due),
    definitionZh: d.definitionZh,
    definitionEn: d.definitionEn,
  }));
}

/** One computed indicator, with its written definition (shown next to the figure). */
export interface IndicatorValue {
  code: string;
  nameZh: string;
  nameEn: string;
  kind: 'count' | 'ratio';
  /** Cases counted above the line (weighted for the satisfaction rate). */
  numerator: number;
  /** Cases of the population; null for counts. */
  denominator: number | null;
  /** The ratio in [0, 1], the count for `count` indicators, null when the population is empty. */
  value: number | null;
  definitionZh: string;
  definitionEn: string;
}

/** One computed composite score. */
export interface CompositeValue {
  code: string;
  nameZh: string;
  nameEn: string;
  weights: Record<string, number>;
  /** 0–100, null when any weighted indicator has no data. */
  score: number | null;
  grade: 'A' | 'B' | 'C' | 'D' | 'E' | null;
}

/**
 * Computes every indicator from the case counts of caseCountsNeeded (missing keys count 0): the
 * one formula the API, the CLI and the tests share.
 */
export function computeIndicators(counts: ReadonlyMap<string, number>): IndicatorValue[] {
  return INDICATORS.map((d) => {
    let numerator = 0;
    for (const [fact, weight] of Object.entries(d.numerator)) {
      numerator += (weight ?? 0) * (counts.get(`num:${d.code}:${fact}`) ?? 0);
    }
    numerator = round(numerator);
    const base = {
      code: d.code,
      nameZh: d.nameZh,
      nameEn: d.nameEn,
      kind: d.kind,
      definitionZh: d.definitionZh,
      definitionEn: d.definitionEn,
    };
    if (d.kind === 'count') return { ...base, numerator, denominator: null, value: numerator };
    const denominator = counts.get(`pop:${d.code}`) ?? 0;
    return {
      ...base,
      numerator,
      denominator,
      value: denominator === 0 ? null : round(numerator / denominator),
    };
  });
}

/**
 * Computes the composite scores from indicator values and the city's weights. The score is the
 * weighted mean of rates in [0, 1] (divided by the weights' sum, which setWeights keeps at 1), so
 * it lies in [0, 100] whatever is stored.
 */
export function computeComposites(
  values: readonly IndicatorValue[],
  weights: ReadonlyMap<string, Record<string, number>>,
): CompositeValue[] {
  const byCode = new Map(values.map((v) => [v.code, v.value]));
  return COMPOSITES.map((c) => {
    const w = weights.get(c.code) ?? { ...c.weights };
    let score: number | null = 0;
    let sum = 0;
    for (const [code, weight] of Object.entries(w)) {
      const v = byCode.get(code);
      if (v === null || v === undefined) {
        score = null;
        break;
      }
      score += weight * v;
      sum += weight;
    }
    const scaled = score === null || sum <= 0 ? null : round((100 * score) / sum);
    return {
      code: c.code,
      nameZh: c.nameZh,
      nameEn: c.nameEn,
      weights: w,
      score: scaled,
      grade: scaled === null ? null : gradeOf(scaled),
    };
  });
}

/** Rounds to 6 decimals so sums of weighted counts compare exactly (0.9 × n). */
function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
