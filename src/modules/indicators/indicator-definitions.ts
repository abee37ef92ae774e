/**
 * The indicators of the closed loop (DOMAIN.md §2), each defined exactly once as a numerator and a
 * denominator over the rollup metrics of `case_rollup_daily` (see `metricsOfEvent` in
 * src/modules/cases/case-rollup.ts for what each event counts as). The API, the CLI export and the
 * property test all compute from these terms, so a definition changes in one place only.
 *
 * A term is a weighted sum of metrics: `{ 'e.satisfied': 1, 'e.basically_satisfied': 0.9 }`.
 * A ratio whose denominator is 0 is `null` (no data), never 0 or 100 %.
 *
 * Rollups are counters per (day, grid, department, metric), so a definition can only combine
 * counts; where local rules ask for something finer (e.g. "voided after filing") the written
 * definition says which count stands in for it.
 */

/** A weighted sum of rollup metrics, e.g. `{ 'a.file': 1, 'a.reject': 1 }`. */
export type MetricTerm = Readonly<Record<string, number>>;

/** One indicator: what it counts, over what, with names and a definition people can read. */
export interface IndicatorDefinition {
  /** Stable code used by the API, the export and dashboards. */
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  /** `count`: the numerator alone (denominator ignored); `ratio`: numerator / denominator. */
  readonly kind: 'count' | 'ratio';
  readonly numerator: MetricTerm;
  readonly denominator: MetricTerm;
  readonly definitionZh: string;
  readonly definitionEn: string;
}

const ONE: MetricTerm = {};

/** Every indicator, in the order reports show them. */
export const INDICATORS: readonly IndicatorDefinition[] = [
  {
    code: 'report_count',
    nameZh: '上报数',
    nameEn: 'Reports',
    kind: 'count',
    numerator: { 'a.report': 1 },
    denominator: ONE,
    definitionZh: '期内从各渠道收集的上报数（“我也遇到”附议不计）。',
    definitionEn: 'Reports collected from every channel in the period ("me too" joins not counted).',
  },
  {
    code: 'filing_rate',
    nameZh: '立案率',
    nameEn: 'Filing rate',
    kind: 'ratio',
    numerator: { 'a.file': 1 },
    denominator: { 'a.file': 1, 'a.reject': 1 },
    definitionZh: '立案数 ÷（立案数 + 不予立案数）。',
    definitionEn: 'Filed ÷ (filed + rejected).',
  },
  {
    code: 'on_time_filing_rate',
    nameZh: '按时立案率',
    nameEn: 'On-time filing rate',
    kind: 'ratio',
    numerator: { 's.file.on_time': 1 },
    denominator: { 's.file': 1 },
    definitionZh: '在立案时限内作出受理决定（立案、不予立案或作废）的上报数 ÷ 作出受理决定的上报数。',
    definitionEn:
      'Reports whose filing decision (file, reject or void) was made within the filing deadline ÷ reports decided.',
  },
  {
    code: 'accurate_filing_rate',
    nameZh: '准确立案率',
    nameEn: 'Accurate filing rate',
    kind: 'ratio',
    numerator: { 'a.file': 1, 'a.void': -1, 'a.merge_into': -1 },
    denominator: { 'a.file': 1 },
    definitionZh: '（立案数 − 作废数 − 合并作废数）÷ 立案数。作废数含未立案即作废的上报，因此结果偏保守。',
    definitionEn:
      '(Filed − voided − merged as duplicates) ÷ filed. Voids include reports voided before filing, so the rate errs low.',
  },
  {
    code: 'on_time_dispatch_rate',
    nameZh: '按时派遣率',
    nameEn: 'On-time dispatch rate',
    kind: 'ratio',
    numerator: { 's.dispatch.on_time': 1 },
    denominator: { 'a.file': 1, 'a.reopen': 1 },
    definitionZh: '在派遣时限内派遣的案件数 ÷ 应派遣案件数（立案数 + 重新办理数）。',
    definitionEn:
      'Cases dispatched within the dispatch deadline ÷ cases due for dispatch (filed + reopened).',
  },
  {
    code: 'accurate_dispatch_rate',
    nameZh: '准确派遣率',
    nameEn: 'Dispatch accuracy',
    kind: 'ratio',
    numerator: { 'a.dispatch': 1, 'a.return': -1, 'a.reassign': -1 },
    denominator: { 'a.dispatch': 1 },
    definitionZh: '（派遣数 − 回退数 − 改派数）÷ 派遣数：没有被部门回退或改派的派遣所占比例。',
    definitionEn:
      '(Dispatches − returns − reassignments) ÷ dispatches: the share not returned by the department or reassigned.',
  },
  {
    code: 'handling_rate',
    nameZh: '处置率',
    nameEn: 'Handling rate',
    kind: 'ratio',
    numerator: { 's.handle': 1 },
    denominator: { 'a.dispatch': 1, 'a.verify_fail': 1 },
    definitionZh: '处置阶段完成的案件数 ÷ 应处置案件数（派遣数 + 返工数）。',
    definitionEn:
      'Cases whose handling stage ended ÷ cases due for handling (dispatched + sent back for rework).',
  },
  {
    code: 'on_time_handling_rate',
    nameZh: '按期处置率',
    nameEn: 'On-time handling rate',
    kind: 'ratio',
    numerator: { 's.handle.on_time': 1 },
    denominator: { 'a.dispatch': 1, 'a.verify_fail': 1 },
    definitionZh: '在处置时限（含批准的延期）内完成处置的案件数 ÷ 应处置案件数（派遣数 + 返工数）。',
    definitionEn:
      'Cases handled within the handling deadline (approved extensions included) ÷ cases due for handling (dispatched + rework).',
  },
  {
    code: 'closure_rate',
    nameZh: '结案率',
    nameEn: 'Closure rate',
    kind: 'ratio',
    numerator: { 'a.verify_pass': 1 },
    denominator: { 's.handle': 1 },
    definitionZh: '核查结案数 ÷ 应结案数（处置阶段完成的案件数）。',
    definitionEn: 'Cases verified and closed ÷ cases due for closing (handling stage ended).',
  },
  {
    code: 'on_time_closure_rate',
    nameZh: '按期结案率',
    nameEn: 'On-time closure rate',
    kind: 'ratio',
    numerator: { 's.verify.on_time': 1 },
    denominator: { 's.handle': 1 },
    definitionZh: '在核查时限内作出核查结论的案件数 ÷ 应结案数（处置阶段完成的案件数）。',
    definitionEn:
      'Cases whose verification was concluded within the verification deadline ÷ cases due for closing (handling stage ended).',
  },
  {
    code: 'rework_rate',
    nameZh: '返工率',
    nameEn: 'Rework rate',
    kind: 'ratio',
    numerator: { 'a.verify_fail': 1 },
    denominator: { 's.handle': 1 },
    definitionZh: '核查不通过退回原部门返工的次数 ÷ 处置完成的案件数。',
    definitionEn: 'Failed verifications sent back to the same department(s) ÷ cases whose handling ended.',
  },
  {
    code: 'hotline_response_rate',
    nameZh: '12345 响应率',
    nameEn: '12345 response rate',
    kind: 'ratio',
    numerator: { 'a.evaluate': 1 },
    denominator: { 'a.verify_pass': 1 },
    definitionZh: '已回访（取得评价）的案件数 ÷ 应回访的案件数（核查结案数）。',
    definitionEn: 'Cases followed up with an evaluation ÷ cases due for follow-up (verified and closed).',
  },
  {
    code: 'hotline_resolution_rate',
    nameZh: '12345 解决率',
    nameEn: '12345 resolution rate',
    kind: 'ratio',
    numerator: { 'e.satisfied': 1, 'e.basically_satisfied': 1 },
    denominator: { 'a.evaluate': 1 },
    definitionZh: '回访中诉求人认可已解决（满意或基本满意）的数量 ÷ 有效回访数。',
    definitionEn:
      'Follow-ups where the caller accepts the problem as solved (satisfied or basically) ÷ valid follow-ups.',
  },
  {
    code: 'hotline_satisfaction_rate',
    nameZh: '12345 满意率',
    nameEn: '12345 satisfaction rate',
    kind: 'ratio',
    numerator: { 'e.satisfied': 1, 'e.basically_satisfied': 0.9 },
    denominator: { 'a.evaluate': 1 },
    definitionZh: '（满意数 + 0.9 × 基本满意数）÷ 有效回访数。',
    definitionEn: '(Satisfied + 0.9 × basically satisfied) ÷ valid follow-ups.',
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

/** Every metric any indicator reads (the repository only sums these). */
export function metricsUsed(): string[] {
  const out = new Set<string>();
  for (const d of INDICATORS) {
    for (const m of Object.keys(d.numerator)) out.add(m);
    for (const m of Object.keys(d.denominator)) out.add(m);
  }
  return [...out].sort();
}

/** Evaluates a term over metric totals (missing metrics count 0). */
export function evalTerm(term: MetricTerm, totals: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const [metric, weight] of Object.entries(term)) sum += weight * (totals.get(metric) ?? 0);
  return sum;
}

/** One computed indicator. */
export interface IndicatorValue {
  code: string;
  nameZh: string;
  nameEn: string;
  kind: 'count' | 'ratio';
  numerator: number;
  denominator: number | null;
  /** The ratio (0–1 for most), the count for `count` indicators, null when the denominator is 0. */
  value: number | null;
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

/** Computes every indicator from metric totals: the one formula the API, CLI and tests share. */
export function computeIndicators(totals: ReadonlyMap<string, number>): IndicatorValue[] {
  return INDICATORS.map((d) => {
    const numerator = round(evalTerm(d.numerator, totals));
    if (d.kind === 'count') {
      return {
        code: d.code,
        nameZh: d.nameZh,
        nameEn: d.nameEn,
        kind: d.kind,
        numerator,
        denominator: null,
        value: numerator,
      };
    }
    const denominator = round(evalTerm(d.denominator, totals));
    return {
      code: d.code,
      nameZh: d.nameZh,
      nameEn: d.nameEn,
      kind: d.kind,
      numerator,
      denominator,
      value: denominator === 0 ? null : round(numerator / denominator),
    };
  });
}

/** Computes the composite scores from indicator values and the city's weights. */
export function computeComposites(
  values: readonly IndicatorValue[],
  weights: ReadonlyMap<string, Record<string, number>>,
): CompositeValue[] {
  const byCode = new Map(values.map((v) => [v.code, v.value]));
  return COMPOSITES.map((c) => {
    const w = weights.get(c.code) ?? { ...c.weights };
    let score: number | null = 0;
    for (const [code, weight] of Object.entries(w)) {
      const v = byCode.get(code);
      if (v === null || v === undefined) {
        score = null;
        break;
      }
      score += weight * v;
    }
    const scaled = score === null ? null : round(100 * score);
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
