/**
 * The demo city's departments as plain data, so taxonomy categories, routing and the demo city can
 * name an owner by a stable code. Loading into the database is done elsewhere; this file has no I/O.
 *
 * Names follow the usual municipal pattern after the 2018 institutional reform (城市管理局 with
 * 综合行政执法, 生态环境局, 应急管理局, 卫生健康委员会 ...). Utilities are listed because in
 * GB/T 30428 the owner of a city part (manhole cover, transformer box) is often an enterprise,
 * and a case about that part is dispatched to it through the competent department.
 */

/** What sort of body a department is: decides whether it can be dispatched to and how it is shown. */
export type DepartmentKind =
  | 'command_centre' // 数字化城市管理监督指挥中心: files, dispatches and closes cases
  | 'hotline_centre' // 12345 政务服务便民热线: takes calls, dispatches work orders
  | 'bureau' // a government department (局/委) that handles cases in its remit
  | 'enforcement' // a law-enforcement body (综合执法, 交警, 消防救援)
  | 'utility' // an enterprise that owns and maintains city parts (gas, power, water supply ...)
  | 'territorial'; // the street office (属地街道), default owner when no department fits

/** One department as seed data; `code` is the stable key other seeds and the database refer to. */
export interface DepartmentSeed {
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly kind: DepartmentKind;
  /** Parent department for sub-units (e.g. traffic police under public security). */
  readonly parentCode?: string;
}

/** Every department of the demo city; codes are lowercase snake_case and never change once used. */
export const DEPARTMENTS = [
  {
    code: 'dcm_centre',
    nameZh: '数字化城市管理监督指挥中心',
    nameEn: 'Digital Urban Management Supervision and Command Centre',
    kind: 'command_centre',
    parentCode: 'urban_mgmt',
  },
  {
    code: 'hotline_12345',
    nameZh: '12345政务服务便民热线中心',
    nameEn: '12345 Government Service Hotline Centre',
    kind: 'hotline_centre',
  },
  {
    code: 'urban_mgmt',
    nameZh: '城市管理局（综合行政执法局）',
    nameEn: 'Urban Management and Comprehensive Law Enforcement Bureau',
    kind: 'bureau',
  },
  {
    code: 'urban_enforcement',
    nameZh: '城市管理综合行政执法大队',
    nameEn: 'Urban Management Law Enforcement Brigade',
    kind: 'enforcement',
    parentCode: 'urban_mgmt',
  },
  {
    code: 'sanitation',
    nameZh: '环境卫生管理处',
    nameEn: 'Environmental Sanitation Office',
    kind: 'bureau',
    parentCode: 'urban_mgmt',
  },
  {
    code: 'housing',
    nameZh: '住房和城乡建设局',
    nameEn: 'Housing and Urban-Rural Development Bureau',
    kind: 'bureau',
  },
  { code: 'water', nameZh: '水务局', nameEn: 'Water Affairs Bureau', kind: 'bureau' },
  { code: 'transport', nameZh: '交通运输局', nameEn: 'Transport Bureau', kind: 'bureau' },
  {
    code: 'ecology_env',
    nameZh: '生态环境局',
    nameEn: 'Ecology and Environment Bureau',
    kind: 'bureau',
  },
  {
    code: 'market_reg',
    nameZh: '市场监督管理局',
    nameEn: 'Market Regulation Administration',
    kind: 'bureau',
  },
  { code: 'public_security', nameZh: '公安局', nameEn: 'Public Security Bureau', kind: 'bureau' },
  {
    code: 'traffic_police',
    nameZh: '公安局交通警察支队',
    nameEn: 'Traffic Police Detachment',
    kind: 'enforcement',
    parentCode: 'public_security',
  },
  { code: 'civil_affairs', nameZh: '民政局', nameEn: 'Civil Affairs Bureau', kind: 'bureau' },
  {
    code: 'greening',
    nameZh: '园林绿化局',
    nameEn: 'Landscaping and Greening Bureau',
    kind: 'bureau',
  },
  { code: 'emergency', nameZh: '应急管理局', nameEn: 'Emergency Management Bureau', kind: 'bureau' },
  {
    code: 'fire_rescue',
    nameZh: '消防救援支队',
    nameEn: 'Fire and Rescue Detachment',
    kind: 'enforcement',
    parentCode: 'emergency',
  },
  { code: 'health', nameZh: '卫生健康委员会', nameEn: 'Health Commission', kind: 'bureau' },
  {
    code: 'natural_resources',
    nameZh: '自然资源和规划局',
    nameEn: 'Natural Resources and Planning Bureau',
    kind: 'bureau',
  },
  {
    code: 'human_resources',
    nameZh: '人力资源和社会保障局',
    nameEn: 'Human Resources and Social Security Bureau',
    kind: 'bureau',
  },
  { code: 'water_supply', nameZh: '自来水公司', nameEn: 'Water Supply Company', kind: 'utility' },
  {
    code: 'drainage',
    nameZh: '排水管理处',
    nameEn: 'Drainage Management Office',
    kind: 'utility',
    parentCode: 'water',
  },
  { code: 'gas_supply', nameZh: '燃气公司', nameEn: 'Gas Company', kind: 'utility' },
  { code: 'power_supply', nameZh: '供电公司', nameEn: 'Power Supply Company', kind: 'utility' },
  {
    code: 'telecom',
    nameZh: '通信运营企业（电信/移动/联通）',
    nameEn: 'Telecom Operators',
    kind: 'utility',
  },
  {
    code: 'street_office',
    nameZh: '属地街道办事处',
    nameEn: 'Local Street Office',
    kind: 'territorial',
  },
] as const satisfies readonly DepartmentSeed[];

/** A code that exists in DEPARTMENTS; other seeds use it so a typo fails to compile. */
export type DepartmentCode = (typeof DEPARTMENTS)[number]['code'];

/** Look up a department by code, for seeds and generators that only hold the code. */
export function findDepartment(code: string): DepartmentSeed | undefined {
  return DEPARTMENTS.find((d) => d.code === code);
}
