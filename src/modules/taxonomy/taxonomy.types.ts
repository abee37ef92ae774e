import type { CategoryKind, StageDeadlines } from './taxonomy.seed.js';

/** A category of one taxonomy version, as cases and routing use it. */
export interface Category {
  version: number;
  code: string;
  kind: CategoryKind;
  majorCode: string;
  minorCode: string;
  nameZh: string;
  nameEn: string;
  departmentCode: string;
  filingCriteriaZh: string;
  filingCriteriaEn: string;
  closingCriteriaZh: string;
  closingCriteriaEn: string;
  deadlines: StageDeadlines;
  urgent: boolean;
  photoRequired: boolean;
  keywordsZh: string[];
  keywordsEn: string[];
}
