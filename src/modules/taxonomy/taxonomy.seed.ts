/**
 * Taxonomy version 1 as plain data: GB/T 30428-style event and part (component) classes plus the
 * five 12345 request types. Other modules load this into the versioned taxonomy tables; admins
 * edit later versions in the database, never this file.
 *
 * Codes: events `E` + major + minor (`E0102` 暴露垃圾), parts `P` + major + minor (`P0101` 上水井盖,
 * the 4 digits that sit inside a 16-digit part identifier), 12345 types `H` + minor (`H03` 投诉)
 * under the single hotline major class `01`.
 *
 * Deadlines are in minutes. `handleUnit` is the clock for every stage of the category: `working`
 * counts only working minutes on the city calendar (1 working day = 8 h = 480 min), `natural`
 * counts wall-clock minutes (urgent emergencies, night-time noise). Published figures used:
 * file + dispatch within 10 min (urgent) / 30 min, verification 1–2 h, exposed rubbish 4 working
 * hours, street cleaning 2 h, green-space care 5 working days, illegal building stop-work 4 h and
 * demolition 20 working days. The rest are typical city rules and can be changed per city.
 */
import type { DepartmentCode } from '../org/index.js';

/** Which list a category belongs to: events (事件), city parts (部件) or 12345 request types. */
export type CategoryKind = 'event' | 'part' | 'hotline';

/** Clock a deadline runs on: working minutes on the city calendar, or wall-clock minutes. */
export type HandleUnit = 'working' | 'natural';

/** Time allowed per closed-loop stage, in minutes of `handleUnit`; drives the traffic lights. */
export interface StageDeadlines {
  /** 案卷建立: from report to filed case. */
  readonly file: number;
  /** 任务派遣: from filed to dispatched to the owner department. */
  readonly dispatch: number;
  /** 任务处理: from dispatched to reported back as handled. */
  readonly handle: number;
  /** 核查结案: from handled to verified on site (12345: the call-back). */
  readonly verify: number;
  readonly handleUnit: HandleUnit;
}

/** An intermediate target inside the handle stage (e.g. stop work before demolition). */
export interface HandleMilestone {
  readonly key: string;
  readonly nameZh: string;
  readonly nameEn: string;
  /** Minutes after dispatch, on `unit`. */
  readonly minutes: number;
  readonly unit: HandleUnit;
}

/** A major class (大类); shown as the first level of the category picker. */
export interface MajorClassSeed {
  /** `E01`, `P03`, `H01`. */
  readonly code: string;
  readonly kind: CategoryKind;
  readonly majorCode: string;
  readonly nameZh: string;
  readonly nameEn: string;
}

/** A minor class (小类): what a case is filed under, with its owner, criteria and deadlines. */
export interface CategorySeed {
  readonly code: string;
  readonly kind: CategoryKind;
  readonly majorCode: string;
  readonly minorCode: string;
  readonly nameZh: string;
  readonly nameEn: string;
  /** Default owner the case is dispatched to. */
  readonly departmentCode: DepartmentCode;
  /** 立案条件: when a report becomes a case. */
  readonly filingCriteriaZh: string;
  readonly filingCriteriaEn: string;
  /** 结案条件: what verification must see before closing. */
  readonly closingCriteriaZh: string;
  readonly closingCriteriaEn: string;
  readonly deadlines: StageDeadlines;
  readonly milestones?: readonly HandleMilestone[];
  /** Urgent cases jump the queue and run on the natural clock. */
  readonly urgent: boolean;
  /** Whether a report must carry a photo to be filed (off where a photo cannot show it or is unsafe to take). */
  readonly photoRequired: boolean;
  /** Words typical of reports of this category, for text triage. */
  readonly keywordsZh: readonly string[];
  readonly keywordsEn: readonly string[];
}

/** A whole taxonomy version, as loaded into the versioned taxonomy tables. */
export interface TaxonomySeed {
  readonly version: number;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly majors: readonly MajorClassSeed[];
  readonly categories: readonly CategorySeed[];
}

/** Working minutes in one working day on the default calendar (8 h). */
export const WORKING_DAY_MINUTES = 480;

interface Handle {
  readonly minutes: number;
  readonly unit: HandleUnit;
}
const wh = (hours: number): Handle => ({ minutes: hours * 60, unit: 'working' });
const wd = (days: number): Handle => ({ minutes: days * WORKING_DAY_MINUTES, unit: 'working' });
const nat = (minutes: number): Handle => ({ minutes, unit: 'natural' });

interface Row {
  readonly m: string;
  readonly zh: string;
  readonly en: string;
  readonly dept: DepartmentCode;
  readonly file: readonly [string, string];
  readonly close: readonly [string, string];
  readonly handle: Handle;
  /** Keywords, `|`-separated: [zh, en]. */
  readonly kw: readonly [string, string];
  readonly urgent?: boolean;
  readonly photo?: boolean;
  readonly milestones?: readonly HandleMilestone[];
}

interface Major {
  readonly majorCode: string;
  readonly zh: string;
  readonly en: string;
  readonly rows: readonly Row[];
}

const secureSite = (minutes: number): HandleMilestone => ({
  key: 'secure_site',
  nameZh: '到场设置警示防护',
  nameEn: 'On site with warning barriers',
  minutes,
  unit: 'natural',
});

const EVENT_MAJORS: readonly Major[] = [
  {
    majorCode: '01',
    zh: '市容环境',
    en: 'City appearance and environment',
    rows: [
      {
        m: '01',
        zh: '私搭乱建',
        en: 'Illegal construction',
        dept: 'urban_enforcement',
        file: [
          '未经审批在建筑物屋顶、公共场地、绿地等处搭建建筑物、构筑物或设施',
          'A structure or shed built on a roof, public ground or green space without approval',
        ],
        close: [
          '在建的已停止施工，已建成的已拆除并清理现场',
          'Work under way has stopped; completed structures are demolished and the site cleared',
        ],
        handle: wd(20),
        milestones: [
          {
            key: 'stop_work',
            nameZh: '责令停止施工',
            nameEn: 'Order to stop work',
            minutes: 240,
            unit: 'working',
          },
        ],
        kw: ['违建|搭建|加盖|彩钢棚|阳光房|圈地', 'illegal structure|shed|extension|steel roof|enclosure'],
      },
      {
        m: '02',
        zh: '暴露垃圾',
        en: 'Exposed rubbish',
        dept: 'sanitation',
        file: [
          '主次干道、街巷及公共区域暴露垃圾面积≥0.5㎡，或垃圾桶满溢外溢',
          'Exposed rubbish of 0.5 m² or more on a road or public area, or an overflowing bin',
        ],
        close: ['垃圾清理干净，无残留', 'Rubbish cleared with nothing left behind'],
        handle: wh(4),
        kw: ['垃圾|没人清|臭|满溢|垃圾袋|乱扔', 'rubbish|garbage|smell|overflowing|bags|litter'],
      },
      {
        m: '03',
        zh: '积存垃圾渣土',
        en: 'Accumulated rubbish and spoil',
        dept: 'sanitation',
        file: [
          '道路、空地、小区内积存生活垃圾或建筑渣土体积≥1m³',
          'Household rubbish or construction spoil of 1 m³ or more piled on a road, lot or compound',
        ],
        close: ['积存垃圾渣土清运完毕，地面无残留', 'All accumulated rubbish and spoil removed'],
        handle: wd(2),
        kw: ['渣土|建筑垃圾|装修垃圾|堆|土堆', 'spoil|construction waste|renovation waste|pile|mound'],
      },
      {
        m: '04',
        zh: '道路不洁',
        en: 'Dirty road',
        dept: 'sanitation',
        file: [
          '路面有明显污物、油污、积泥，连续面积≥1㎡或长度≥10m',
          'Visible dirt, oil or mud on the road over 1 m² or 10 m in length',
        ],
        close: ['路面清扫干净，无污物积泥', 'Road swept clean, no dirt or mud'],
        handle: wh(2),
        kw: ['脏|油污|泥|路面|没扫|污水', 'dirty|oil|mud|road surface|not swept|waste water'],
      },
      {
        m: '05',
        zh: '水域不洁',
        en: 'Polluted water surface',
        dept: 'water',
        file: [
          '河道、湖泊水面漂浮垃圾、油污面积≥1㎡，或有明显异味',
          'Floating rubbish or oil of 1 m² or more on a river or lake, or a strong smell',
        ],
        close: ['水面漂浮物打捞干净，无明显异味', 'Floating waste removed, no strong smell'],
        handle: wd(1),
        kw: ['河道|漂浮|发臭|死鱼|水面|水葫芦', 'river|floating|stinks|dead fish|water surface|weeds'],
      },
      {
        m: '06',
        zh: '绿地脏乱',
        en: 'Littered green space',
        dept: 'greening',
        file: [
          '绿地内有垃圾、杂物、枯枝落叶堆积，面积≥1㎡',
          'Rubbish, debris or dead branches of 1 m² or more in a green space',
        ],
        close: ['绿地内垃圾杂物清理干净', 'Green space cleared of rubbish and debris'],
        handle: wd(5),
        kw: ['绿化带|草坪|杂物|枯枝|落叶|垃圾', 'green belt|lawn|debris|dead branches|leaves|rubbish'],
      },
      {
        m: '07',
        zh: '废弃家具设备',
        en: 'Abandoned furniture and appliances',
        dept: 'sanitation',
        file: [
          '公共区域丢弃沙发、床垫、家电等大件废弃物',
          'Sofas, mattresses, appliances or other bulky waste dumped in a public area',
        ],
        close: ['大件废弃物已清运', 'Bulky waste removed'],
        handle: wd(1),
        kw: ['沙发|床垫|旧家具|冰箱|大件', 'sofa|mattress|old furniture|fridge|bulky'],
      },
      {
        m: '08',
        zh: '废弃车辆',
        en: 'Abandoned vehicle',
        dept: 'traffic_police',
        file: [
          '道路或公共停车区域有无牌、破损或30日以上未移动的车辆',
          'An unplated, wrecked or unmoved (30 days or more) vehicle on a road or public car park',
        ],
        close: ['废弃车辆已拖移或车主已自行处理', 'Vehicle towed away or removed by its owner'],
        handle: wd(10),
        kw: [
          '僵尸车|废弃车|无牌|落满灰|好久没动',
          'zombie car|abandoned car|no plate|covered in dust|not moved',
        ],
      },
      {
        m: '09',
        zh: '露天焚烧',
        en: 'Open burning',
        dept: 'urban_enforcement',
        file: [
          '在道路、空地、小区内露天焚烧垃圾、树叶、杂物',
          'Rubbish, leaves or other waste burned in the open on a road, lot or compound',
        ],
        close: ['明火已扑灭，焚烧残留物清理干净', 'Fire put out and the ashes cleared'],
        handle: wh(2),
        kw: ['烧|焚烧|冒烟|烟|呛', 'burning|fire|smoke|smoky|choking'],
      },
      {
        m: '10',
        zh: '餐饮油烟污染',
        en: 'Restaurant cooking fumes',
        dept: 'urban_enforcement',
        file: [
          '餐饮单位未安装或未正常使用油烟净化设施，油烟直排影响居民',
          'A restaurant without working fume-cleaning equipment blowing fumes at residents',
        ],
        close: [
          '油烟净化设施已安装并正常使用，无直排',
          'Fume cleaner installed and running, no direct discharge',
        ],
        handle: wd(10),
        kw: ['油烟|饭店|排烟|熏|烧烤店', 'cooking fumes|restaurant|exhaust|smoky|barbecue shop'],
      },
      {
        m: '11',
        zh: '动物尸体',
        en: 'Animal carcass',
        dept: 'sanitation',
        file: ['道路或公共场所有动物尸体', 'A dead animal on a road or public place'],
        close: ['动物尸体已清除并消毒', 'Carcass removed and the spot disinfected'],
        handle: wh(2),
        kw: ['死猫|死狗|死老鼠|尸体|死鸟', 'dead cat|dead dog|dead rat|carcass|dead bird'],
      },
      {
        m: '12',
        zh: '乱堆物堆料',
        en: 'Materials piled in public space',
        dept: 'urban_enforcement',
        file: [
          '在道路、楼道、公共场地堆放物料杂物面积≥1㎡，影响通行或市容',
          'Materials or clutter of 1 m² or more stacked on a road, stairwell or public ground',
        ],
        close: ['堆物堆料已清除，恢复原状', 'Piles removed and the space restored'],
        handle: wd(1),
        kw: ['堆放|杂物|占用|楼道|纸箱|砖头', 'piled|clutter|occupying|stairwell|cardboard|bricks'],
      },
    ],
  },
  {
    majorCode: '02',
    zh: '宣传广告',
    en: 'Publicity and advertising',
    rows: [
      {
        m: '01',
        zh: '违章张贴悬挂广告',
        en: 'Unauthorised posters and banners',
        dept: 'urban_enforcement',
        file: [
          '在建筑物、树木、公共设施上擅自张贴、悬挂横幅、条幅或广告',
          'Banners or posters hung on buildings, trees or public facilities without approval',
        ],
        close: ['违规广告已清除', 'Unauthorised advertising removed'],
        handle: wd(1),
        kw: ['横幅|条幅|挂|海报|拉', 'banner|streamer|hanging|poster|strung'],
      },
      {
        m: '02',
        zh: '非法小广告',
        en: 'Illegal small adverts',
        dept: 'sanitation',
        file: [
          '墙面、电杆、地面等处张贴、涂写、喷涂小广告3处以上',
          'Three or more stuck, written or sprayed small adverts on walls, poles or pavement',
        ],
        close: ['小广告已清除或覆盖，无明显痕迹', 'Small adverts removed or covered, no visible marks'],
        handle: wd(2),
        kw: [
          '小广告|办证|贴|喷涂|疏通|电话号码',
          'small ads|fake certificates|stuck|sprayed|drain cleaning|phone number',
        ],
      },
      {
        m: '03',
        zh: '过期破损宣传品',
        en: 'Expired or damaged publicity material',
        dept: 'urban_mgmt',
        file: [
          '户外标语、宣传画超过期限未撤除，或破损褪色',
          'Outdoor slogans or posters left up after their period, or torn and faded',
        ],
        close: ['过期破损宣传品已撤除或更换', 'Expired or damaged material removed or replaced'],
        handle: wd(2),
        kw: ['宣传栏|标语|褪色|破了|过期', 'notice board|slogan|faded|torn|expired'],
      },
      {
        m: '04',
        zh: '街头散发广告',
        en: 'Flyers handed out in the street',
        dept: 'urban_enforcement',
        file: [
          '在道路、路口、公共场所散发商业广告传单',
          'Commercial flyers handed out on roads, junctions or public places',
        ],
        close: ['散发行为已制止，散落传单已清理', 'Distribution stopped and scattered flyers cleared'],
        handle: wh(2),
        kw: ['发传单|传单|塞|发卡片|拦人', 'handing out flyers|leaflets|stuffed|cards|stopping people'],
      },
      {
        m: '05',
        zh: '招牌破损',
        en: 'Damaged shop sign',
        dept: 'urban_mgmt',
        file: [
          '门头招牌、户外广告牌破损、缺字或有脱落危险',
          'A shop sign or billboard is damaged, missing letters or at risk of falling',
        ],
        close: ['招牌已修复或拆除，无安全隐患', 'Sign repaired or removed, no longer a hazard'],
        handle: wd(5),
        kw: ['招牌|牌子|掉字|松动|要掉', 'sign|board|missing letters|loose|about to fall'],
      },
      {
        m: '06',
        zh: '景观灯光显示屏缺损',
        en: 'Faulty decorative lights or LED screen',
        dept: 'urban_mgmt',
        file: [
          '夜间景观灯、霓虹灯、LED显示屏不亮、缺亮或显示不全',
          'Decorative lighting, neon or an LED screen is dark, partly lit or garbled at night',
        ],
        close: ['灯光、显示屏恢复正常', 'Lights and screen working normally again'],
        handle: wd(3),
        kw: ['不亮|缺亮|显示屏|霓虹灯|闪', 'not lit|partly lit|screen|neon|flickering'],
      },
      {
        m: '07',
        zh: '违规设置户外广告',
        en: 'Unapproved outdoor advertising structure',
        dept: 'urban_enforcement',
        file: [
          '未经审批设置落地广告牌、墙体广告、楼顶广告等户外广告设施',
          'A standing, wall or rooftop billboard put up without approval',
        ],
        close: ['违规户外广告设施已拆除', 'Unapproved billboard taken down'],
        handle: wd(10),
        kw: ['广告牌|立牌|楼顶|墙体广告|落地牌', 'billboard|standing sign|rooftop|wall advert|A-board'],
      },
    ],
  },
  {
    majorCode: '03',
    zh: '施工管理',
    en: 'Construction management',
    rows: [
      {
        m: '01',
        zh: '施工扰民',
        photo: false,
        en: 'Construction disturbing residents',
        dept: 'urban_enforcement',
        file: [
          '夜间22时至次日6时未经批准进行产生噪声的施工作业，或施工噪声超标',
          'Noisy construction between 22:00 and 06:00 without a permit, or noise over the limit',
        ],
        close: [
          '施工已停止，或已取得夜间施工许可并落实降噪措施',
          'Work stopped, or a night-work permit obtained and noise controls in place',
        ],
        handle: nat(120),
        kw: ['半夜|施工|噪音|吵|打桩|电钻', 'midnight|construction|noise|loud|piling|drilling'],
      },
      {
        m: '02',
        zh: '施工占道',
        en: 'Construction occupying the road',
        dept: 'urban_enforcement',
        file: [
          '未经审批或超出审批范围占用道路、人行道施工',
          'Works occupying a road or pavement without approval or beyond the approved area',
        ],
        close: [
          '占道物料已清除或已补办审批，恢复通行',
          'Materials cleared or permit obtained; traffic restored',
        ],
        handle: wd(1),
        kw: ['占道|施工|围挡|堵路|人行道', 'occupying road|works|hoarding|blocking|pavement'],
      },
      {
        m: '03',
        zh: '道路遗撒',
        en: 'Spillage from vehicles',
        dept: 'urban_enforcement',
        file: [
          '运输车辆遗撒渣土、泥浆、砂石，遗撒长度≥10m',
          'Spoil, mud or gravel spilled by trucks over 10 m or more of road',
        ],
        close: ['遗撒物清理干净，路面恢复整洁', 'Spillage cleaned and the road clean again'],
        handle: wh(2),
        kw: ['遗撒|掉土|泥浆|渣土车|一路', 'spillage|dropped soil|mud|spoil truck|all along'],
      },
      {
        m: '04',
        zh: '工地扬尘',
        en: 'Construction site dust',
        dept: 'housing',
        file: [
          '施工工地未落实围挡、覆盖、洒水、车辆冲洗等防尘措施，扬尘明显',
          'A site without hoarding, covering, spraying or wheel washing, with visible dust',
        ],
        close: ['防尘措施落实到位，无明显扬尘', 'Dust controls in place, no visible dust'],
        handle: wd(1),
        kw: ['扬尘|灰|没盖|黄土|灰尘大', 'dust|dusty|uncovered|bare soil|clouds of dust'],
      },
      {
        m: '05',
        zh: '违规挖掘道路',
        en: 'Unauthorised road excavation',
        dept: 'urban_mgmt',
        file: [
          '未经审批挖掘城市道路，或超范围、超期限挖掘',
          'A city road dug up without a permit, or beyond the permitted area or period',
        ],
        close: [
          '已停止挖掘并恢复路面，或已补办挖掘许可',
          'Digging stopped and road restored, or permit obtained',
        ],
        handle: wd(1),
        kw: ['挖路|开挖|挖开|沟|没回填', 'digging|excavation|dug up|trench|not backfilled'],
      },
      {
        m: '06',
        zh: '工地围挡破损',
        en: 'Damaged site hoarding',
        dept: 'housing',
        file: ['施工围挡破损、倾斜、缺失，或高度不足', 'Site hoarding broken, leaning, missing or too low'],
        close: ['围挡已修复或补齐，稳固整洁', 'Hoarding repaired or completed, firm and tidy'],
        handle: wd(2),
        kw: ['围挡|倒了|歪|破|缺口', 'hoarding|fallen|leaning|broken|gap'],
      },
      {
        m: '07',
        zh: '渣土车违规运输',
        en: 'Uncovered or unlicensed spoil truck',
        dept: 'urban_enforcement',
        file: [
          '渣土运输车辆未密闭、超载或无准运手续上路',
          'A spoil truck on the road uncovered, overloaded or without a transport permit',
        ],
        close: ['已现场查处，车辆整改密闭', 'Truck stopped and dealt with, cover fixed'],
        handle: wh(2),
        kw: ['渣土车|没盖|超载|大车|拉土', 'spoil truck|uncovered|overloaded|heavy truck|hauling soil'],
      },
      {
        m: '08',
        zh: '施工废弃料',
        en: 'Leftover construction waste',
        dept: 'housing',
        file: [
          '施工完毕后现场遗留废弃物料、渣土未清运',
          'Waste materials or spoil left on site after works finished',
        ],
        close: ['施工废弃料已清运完毕', 'Leftover waste removed'],
        handle: wd(2),
        kw: ['剩下|废料|管子|砖|施工完', 'left behind|waste materials|pipes|bricks|works finished'],
      },
    ],
  },
  {
    majorCode: '04',
    zh: '突发事件',
    en: 'Emergencies',
    rows: [
      {
        m: '01',
        zh: '路面塌陷',
        en: 'Road collapse',
        dept: 'urban_mgmt',
        file: [
          '道路出现塌陷、坑洞，深度≥5cm或面积≥0.5㎡，危及通行安全',
          'A sinkhole or pit 5 cm deep or 0.5 m² or larger that endangers traffic',
        ],
        close: ['已设置警示并完成修复，路面平整', 'Warning set up and repair done, road level'],
        handle: nat(1440),
        milestones: [secureSite(30)],
        urgent: true,
        kw: ['塌陷|塌了|大坑|坑|下沉', 'collapse|caved in|big hole|pothole|sinking'],
      },
      {
        m: '02',
        zh: '自来水管破裂',
        en: 'Burst water main',
        dept: 'water_supply',
        file: ['供水管道破裂漏水，路面冒水或积水', 'A burst supply pipe with water gushing or pooling'],
        close: ['管道已抢修，恢复供水，现场清理', 'Pipe repaired, supply restored, site cleaned'],
        handle: nat(720),
        milestones: [secureSite(60)],
        urgent: true,
        kw: ['爆管|冒水|漏水|停水|水管', 'burst pipe|water gushing|leak|no water|water pipe'],
      },
      {
        m: '03',
        zh: '燃气管道破裂',
        photo: false,
        en: 'Gas pipe leak',
        dept: 'gas_supply',
        file: ['燃气管道破损泄漏，现场有燃气异味', 'A damaged gas pipe leaking, with a smell of gas'],
        close: ['泄漏点已封堵修复，检测无泄漏', 'Leak sealed and repaired, tests show no gas'],
        handle: nat(240),
        milestones: [secureSite(30)],
        urgent: true,
        kw: ['煤气|燃气|漏气|味道|天然气', 'gas|leak|smell|natural gas|pipe'],
      },
      {
        m: '04',
        zh: '下水道堵塞或破损',
        en: 'Blocked or broken sewer',
        dept: 'drainage',
        file: [
          '排水管道、检查井堵塞冒溢或破损，污水外溢',
          'A blocked or broken sewer or manhole with sewage overflowing',
        ],
        close: ['管道已疏通或修复，无污水外溢', 'Sewer cleared or repaired, no overflow'],
        handle: nat(480),
        urgent: true,
        kw: ['下水道|堵|冒|污水|反味', 'sewer|blocked|overflowing|sewage|smell'],
      },
      {
        m: '05',
        zh: '道路积水',
        en: 'Flooded road',
        dept: 'drainage',
        file: [
          '降雨后道路积水深度≥15cm或影响通行',
          'Water on the road 15 cm or deeper after rain, or blocking traffic',
        ],
        close: ['积水已排除，道路恢复通行', 'Water drained, road open again'],
        handle: nat(240),
        milestones: [secureSite(30)],
        urgent: true,
        kw: ['积水|淹|水深|过不去|下雨', 'flooded|under water|deep water|impassable|rain'],
      },
      {
        m: '06',
        zh: '道路积雪结冰',
        en: 'Snow and ice on the road',
        dept: 'sanitation',
        file: [
          '主次干道、人行道、桥梁积雪结冰影响通行',
          'Snow or ice on a main road, pavement or bridge affecting traffic',
        ],
        close: ['积雪冰层已清除，路面可安全通行', 'Snow and ice removed, safe to pass'],
        handle: nat(720),
        urgent: true,
        kw: ['结冰|积雪|滑|摔|冰', 'icy|snow|slippery|fell|ice'],
      },
      {
        m: '07',
        zh: '架空线缆脱落',
        en: 'Fallen overhead cable',
        dept: 'power_supply',
        file: [
          '架空电力、通信线缆断落、低垂（距地<4.5m）或线杆倾斜',
          'An overhead power or telecom cable down, sagging below 4.5 m, or a leaning pole',
        ],
        close: ['线缆已恢复架设或移除，无安全隐患', 'Cable re-strung or removed, no hazard'],
        handle: nat(240),
        milestones: [secureSite(30)],
        urgent: true,
        kw: ['电线|掉下来|线|电线杆|垂', 'wire|fallen|cable|pole|hanging low'],
      },
      {
        m: '08',
        zh: '火灾',
        photo: false,
        en: 'Fire',
        dept: 'fire_rescue',
        file: ['发现明火、浓烟等火情', 'Open flames or heavy smoke seen'],
        close: ['火已扑灭，现场无复燃隐患', 'Fire out, no risk of re-ignition'],
        handle: nat(60),
        urgent: true,
        kw: ['着火|起火|冒烟|火|烧起来', 'on fire|blaze|smoke|fire|burning'],
      },
      {
        m: '09',
        zh: '树木倒伏',
        en: 'Fallen tree',
        dept: 'greening',
        file: [
          '树木倒伏、断枝，阻碍交通或危及人身财产安全',
          'A fallen tree or broken branch blocking traffic or endangering people or property',
        ],
        close: ['倒伏树木、断枝已清理，道路畅通', 'Tree and branches cleared, road open'],
        handle: nat(240),
        milestones: [secureSite(60)],
        urgent: true,
        kw: ['树倒|断枝|刮倒|压|树枝', 'tree down|broken branch|blown over|crushed|branches'],
      },
      {
        m: '10',
        zh: '危险化学品泄漏',
        photo: false,
        en: 'Hazardous chemical spill',
        dept: 'emergency',
        file: [
          '道路或场所发生危险化学品、油品泄漏或有刺激性异味',
          'A chemical or fuel spill, or a pungent smell, on a road or premises',
        ],
        close: ['泄漏已处置，经检测无危险', 'Spill dealt with and tested safe'],
        handle: nat(120),
        milestones: [secureSite(15)],
        urgent: true,
        kw: ['泄漏|刺鼻|油罐车|化学品|漏油', 'spill|pungent|tanker|chemical|oil leak'],
      },
    ],
  },
  {
    majorCode: '05',
    zh: '街面秩序',
    en: 'Street order',
    rows: [
      {
        m: '01',
        zh: '无照经营游商',
        en: 'Unlicensed street hawkers',
        dept: 'urban_enforcement',
        file: [
          '在道路、广场、地铁口等公共场所流动兜售商品',
          'Hawkers selling goods on the move on roads, squares or at metro exits',
        ],
        close: ['游商已劝离，现场无流动摊贩', 'Hawkers moved on, none left on site'],
        handle: wh(2),
        kw: ['小贩|卖水果|三轮车|流动|摆摊', 'hawker|selling fruit|tricycle|mobile|stall'],
      },
      {
        m: '02',
        zh: '占道经营',
        en: 'Stalls occupying the road',
        dept: 'urban_enforcement',
        file: ['在道路、人行道摆摊设点经营', 'A stall set up on a road or pavement'],
        close: ['摊点已清理，道路恢复通行', 'Stall cleared, way open again'],
        handle: wh(2),
        kw: ['摆摊|占道|地摊|夜市|早点摊', 'stall|occupying|street stall|night market|breakfast stall'],
      },
      {
        m: '03',
        zh: '店外经营',
        en: 'Trading outside the shop',
        dept: 'urban_enforcement',
        file: [
          '沿街商铺超出门窗外墙摆放商品、设施经营，面积≥1㎡',
          'A shop trading beyond its front wall over 1 m² or more',
        ],
        close: ['店外物品已收回店内', 'Goods taken back inside'],
        handle: wh(2),
        kw: ['门口|摆出来|出店|货架|桌子', 'in front|put out|outside|shelves|tables'],
      },
      {
        m: '04',
        zh: '机动车乱停放',
        en: 'Illegal car parking',
        dept: 'traffic_police',
        file: [
          '机动车停放在人行道、消防通道、盲道或禁停路段，影响通行',
          'A car parked on a pavement, fire lane, tactile path or no-parking road',
        ],
        close: ['车辆已驶离或已依法处理', 'Car moved or ticketed'],
        handle: wh(2),
        kw: ['停车|乱停|堵|车牌|挡住', 'parking|parked|blocking|plate|in the way'],
      },
      {
        m: '05',
        zh: '非机动车乱停放',
        en: 'Bicycles and e-bikes parked in the way',
        dept: 'urban_mgmt',
        file: [
          '非机动车、共享单车在人行道、盲道或出入口乱停乱放5辆以上',
          'Five or more bikes or shared bikes dumped on a pavement, tactile path or entrance',
        ],
        close: ['车辆已整理归位，通行顺畅', 'Bikes tidied away, way clear'],
        handle: wh(2),
        kw: ['共享单车|电动车|自行车|一堆|堵', 'shared bikes|e-bikes|bicycles|heap|blocking'],
      },
      {
        m: '06',
        zh: '乞讨卖艺',
        en: 'Begging and busking',
        dept: 'urban_enforcement',
        file: [
          '在道路、天桥、地铁口等公共场所乞讨、卖艺影响通行',
          'Begging or busking on roads, footbridges or metro exits that blocks people',
        ],
        close: ['已劝离或引导至救助站', 'Persuaded to leave or guided to a relief station'],
        handle: wh(4),
        kw: ['乞讨|卖艺|唱歌|音响|跪', 'begging|busking|singing|speaker|kneeling'],
      },
      {
        m: '07',
        zh: '露天烧烤',
        en: 'Open-air barbecue',
        dept: 'urban_enforcement',
        file: [
          '在道路、居民区等公共场所露天烧烤经营',
          'A barbecue stall in the open on a road or in a residential area',
        ],
        close: ['露天烧烤已取缔，现场清理干净', 'Barbecue shut down and the spot cleaned'],
        handle: nat(120),
        kw: ['烧烤|撸串|烟|炭火|夜宵', 'barbecue|kebabs|smoke|charcoal|late-night food'],
      },
      {
        m: '08',
        zh: '占道洗车修车',
        en: 'Car washing or repair on the road',
        dept: 'urban_enforcement',
        file: ['在道路、人行道上洗车、修车', 'Cars washed or repaired on a road or pavement'],
        close: ['占道作业已停止，场地清理干净', 'Road work stopped, area cleaned'],
        handle: wh(4),
        kw: ['洗车|修车|汽修|补胎|污水', 'car wash|repair|garage|tyre repair|dirty water'],
      },
      {
        m: '09',
        zh: '社会生活噪声扰民',
        photo: false,
        en: 'Neighbourhood noise',
        dept: 'public_security',
        file: [
          '商铺高音喇叭、广场舞音响等社会生活噪声影响居民休息',
          'Shop loudspeakers, square-dancing music or similar noise disturbing residents',
        ],
        close: ['噪声源已关闭或已降低音量，回访居民认可', 'Noise stopped or turned down, residents confirm'],
        handle: nat(120),
        kw: ['广场舞|喇叭|音响|太吵|噪音', 'square dancing|loudspeaker|speaker|too loud|noise'],
      },
      {
        m: '10',
        zh: '非法营运',
        en: 'Unlicensed taxis',
        dept: 'transport',
        file: [
          '在车站、医院、地铁口等处非法揽客营运',
          'Unlicensed drivers touting for passengers at stations, hospitals or metro exits',
        ],
        close: ['已现场查处，无聚集揽客', 'Dealt with on site, no more touting'],
        handle: wd(1),
        kw: ['黑车|拉客|揽客|摩的|喊', 'illegal taxi|touting|soliciting|motorbike taxi|shouting'],
      },
    ],
  },
  {
    majorCode: '06',
    zh: '其他事件',
    en: 'Other events',
    rows: [
      {
        m: '01',
        zh: '垃圾分类投放不规范',
        en: 'Waste sorting not followed',
        dept: 'urban_mgmt',
        file: [
          '投放点混投、桶边投放，或未按规定设置分类容器',
          'Mixed or dumped-beside-the-bin waste, or sorting bins missing at a collection point',
        ],
        close: ['已整改到位，分类容器设置规范', 'Corrected, sorting bins in place'],
        handle: wd(2),
        kw: ['分类|混装|厨余|桶|投放点', 'sorting|mixed|food waste|bins|collection point'],
      },
      {
        m: '02',
        zh: '污水直排',
        en: 'Direct sewage discharge',
        dept: 'ecology_env',
        file: [
          '向雨水管网、河道直接排放污水，或排口有明显污水流出',
          'Sewage discharged into storm drains or a river, or an outfall visibly running dirty',
        ],
        close: ['排污行为已停止，排口已封堵或整改', 'Discharge stopped, outfall sealed or fixed'],
        handle: wd(3),
        kw: ['排污|污水|排口|黑水|直排', 'discharge|sewage|outfall|black water|dumping'],
      },
      {
        m: '03',
        zh: '违规养犬',
        en: 'Dog-keeping violation',
        dept: 'public_security',
        file: [
          '未拴绳遛犬、饲养禁养犬只或犬只伤人',
          'A dog walked off-leash, a banned breed kept, or a dog attack',
        ],
        close: ['养犬人已教育或依法处理', 'Owner warned or penalised'],
        handle: wd(2),
        kw: ['狗|遛狗|没拴绳|咬人|大型犬', 'dog|walking dog|off leash|bit|large dog'],
      },
      {
        m: '04',
        zh: '群租房',
        photo: false,
        en: 'Overcrowded subdivided rental',
        dept: 'housing',
        file: [
          '房屋分割出租，人均使用面积低于规定标准或改变房屋结构',
          'A flat subdivided for rent below the minimum space per person, or with altered structure',
        ],
        close: ['群租已整改，房屋恢复原状', 'Overcrowding ended, flat restored'],
        handle: wd(10),
        kw: ['群租|隔断|住了很多人|上下铺|二房东', 'crowded rental|partitions|many people|bunk beds|sublet'],
      },
      {
        m: '05',
        zh: '病媒生物孳生',
        en: 'Pests breeding',
        dept: 'health',
        file: [
          '公共区域鼠迹、蚊蝇孳生明显，或积水容器孳生蚊虫',
          'Clear signs of rats, flies or mosquitoes breeding in a public area',
        ],
        close: ['已完成消杀，孳生地已清除', 'Pest control done, breeding sites removed'],
        handle: wd(3),
        kw: ['老鼠|蚊子|苍蝇|蟑螂|消杀', 'rats|mosquitoes|flies|cockroaches|pest control'],
      },
      {
        m: '06',
        zh: '无证照经营',
        photo: false,
        en: 'Unlicensed business',
        dept: 'market_reg',
        file: [
          '店铺未取得营业执照或食品经营许可证从事经营',
          'A shop trading without a business licence or food licence',
        ],
        close: ['已责令停业整改或已办理证照', 'Ordered to close and correct, or licensed'],
        handle: wd(10),
        kw: ['无证|没有执照|黑作坊|卫生差|食品', 'unlicensed|no licence|backyard workshop|unhygienic|food'],
      },
      {
        m: '07',
        zh: '流浪人员救助',
        en: 'Homeless person needing help',
        dept: 'civil_affairs',
        file: [
          '发现流浪、露宿人员需要救助，或疑似走失老人儿童',
          'A homeless or rough-sleeping person who needs help, or a seemingly lost elder or child',
        ],
        close: ['已护送至救助站或联系家属', 'Taken to a relief station or family contacted'],
        handle: wh(4),
        kw: ['流浪|睡在|走失|老人|救助', 'homeless|sleeping rough|lost|elderly|help'],
      },
      {
        m: '08',
        zh: '消防通道堵塞',
        en: 'Blocked fire lane',
        dept: 'fire_rescue',
        file: [
          '消防车通道、楼道、安全出口被杂物、车辆堵塞',
          'A fire lane, stairwell or exit blocked by clutter or cars',
        ],
        close: ['消防通道已清理畅通', 'Fire lane clear'],
        handle: wd(1),
        kw: [
          '消防通道|楼道|堵|电动车充电|安全出口',
          'fire lane|stairwell|blocked|e-bike charging|emergency exit',
        ],
      },
      {
        m: '09',
        zh: '违法用地',
        photo: false,
        en: 'Illegal land use',
        dept: 'natural_resources',
        file: [
          '未经批准占用土地建设，或擅自改变土地用途',
          'Land occupied for building without approval, or its use changed without permission',
        ],
        close: ['已立案查处，土地恢复原状', 'Case opened and land restored'],
        handle: wd(20),
        kw: ['占地|耕地|盖房|推土|圈地', 'land grab|farmland|building houses|bulldozing|fencing off'],
      },
    ],
  },
];

const cover = (zh: string, en: string): Pick<Row, 'file' | 'close' | 'handle' | 'urgent' | 'milestones'> => ({
  file: [
    `${zh}缺失、破损、移位，或与路面高差≥2cm`,
    `${en} missing, broken, displaced or 2 cm or more off the road level`,
  ],
  close: ['井盖已补齐或更换，与路面平顺', 'Cover replaced or fixed, flush with the road'],
  handle: nat(1440),
  milestones: [secureSite(120)],
  urgent: true,
});

const PART_MAJORS: readonly Major[] = [
  {
    majorCode: '01',
    zh: '公用设施',
    en: 'Public facilities',
    rows: [
      {
        m: '01',
        zh: '上水井盖',
        en: 'Water supply manhole cover',
        dept: 'water_supply',
        ...cover('上水井盖', 'Water supply manhole cover'),
        kw: ['井盖|上水|自来水|丢了|响', 'manhole cover|water supply|tap water|missing|rattling'],
      },
      {
        m: '02',
        zh: '污水井盖',
        en: 'Sewer manhole cover',
        dept: 'drainage',
        ...cover('污水井盖', 'Sewer manhole cover'),
        kw: ['井盖|污水|臭|碎了|翘', 'manhole cover|sewer|smell|cracked|tilted'],
      },
      {
        m: '03',
        zh: '雨水井盖',
        en: 'Storm drain manhole cover',
        dept: 'drainage',
        ...cover('雨水井盖', 'Storm drain manhole cover'),
        kw: ['井盖|雨水|塌|缺|晃', 'manhole cover|storm drain|sunk|missing|wobbly'],
      },
      {
        m: '04',
        zh: '电力井盖',
        en: 'Power manhole cover',
        dept: 'power_supply',
        ...cover('电力井盖', 'Power manhole cover'),
        kw: ['井盖|电力|电缆|破|坑', 'manhole cover|power|cable|broken|hole'],
      },
      {
        m: '05',
        zh: '通信井盖',
        en: 'Telecom manhole cover',
        dept: 'telecom',
        ...cover('通信井盖', 'Telecom manhole cover'),
        kw: ['井盖|通信|电信|移动|联通', 'manhole cover|telecom|China Telecom|China Mobile|Unicom'],
      },
      {
        m: '06',
        zh: '燃气井盖',
        en: 'Gas manhole cover',
        dept: 'gas_supply',
        ...cover('燃气井盖', 'Gas manhole cover'),
        kw: ['井盖|燃气|煤气|阀门|味道', 'manhole cover|gas|gas valve|valve|smell'],
      },
      {
        m: '07',
        zh: '消防栓',
        en: 'Fire hydrant',
        dept: 'water_supply',
        file: [
          '消防栓损坏、漏水、被圈占遮挡或缺少标识',
          'A fire hydrant broken, leaking, fenced in, hidden or unmarked',
        ],
        close: ['消防栓修复，可正常使用', 'Hydrant repaired and usable'],
        handle: wd(3),
        kw: ['消防栓|漏水|撞坏|挡住|锈', 'fire hydrant|leaking|hit|blocked|rusty'],
      },
      {
        m: '08',
        zh: '路灯',
        en: 'Street light',
        dept: 'urban_mgmt',
        file: [
          '路灯连续2盏以上不亮、白天常亮、灯杆倾斜或灯头脱落',
          'Two or more street lights out in a row, lit by day, a leaning pole or a fallen lamp',
        ],
        close: ['路灯恢复正常照明，灯杆稳固', 'Lights working, pole secure'],
        handle: wd(1),
        kw: ['路灯|不亮|黑|灯杆|白天亮', 'street light|not working|dark|lamp post|on in daytime'],
      },
      {
        m: '09',
        zh: '雨水箅子',
        en: 'Storm drain grate',
        dept: 'drainage',
        file: ['雨水箅子缺失、破损或堵塞', 'A storm drain grate missing, broken or blocked'],
        close: ['雨水箅子已补齐或疏通', 'Grate replaced or cleared'],
        handle: wd(1),
        kw: ['箅子|雨水口|堵|缺|树叶', 'grate|gully|blocked|missing|leaves'],
      },
      {
        m: '10',
        zh: '变压器（箱）',
        en: 'Transformer box',
        dept: 'power_supply',
        file: [
          '变压器、配电箱箱体破损、箱门敞开、漏电或有异响',
          'A transformer or distribution box damaged, open, leaking current or humming loudly',
        ],
        close: ['箱体已修复加锁，无安全隐患', 'Box repaired and locked, no hazard'],
        handle: wd(1),
        kw: ['变压器|电箱|配电箱|开着|嗡嗡', 'transformer|electric box|distribution box|open|humming'],
      },
      {
        m: '11',
        zh: '通信交接箱',
        en: 'Telecom cabinet',
        dept: 'telecom',
        file: [
          '通信交接箱破损、箱门敞开或线缆外露',
          'A telecom cabinet damaged, open or with cables exposed',
        ],
        close: ['箱体已修复、箱门锁闭', 'Cabinet repaired and closed'],
        handle: wd(3),
        kw: ['交接箱|光纤|电信箱|线露|箱门', 'cabinet|fibre|telecom box|exposed wires|door'],
      },
      {
        m: '12',
        zh: '燃气调压箱',
        en: 'Gas pressure regulator box',
        dept: 'gas_supply',
        file: ['燃气调压箱破损、锈蚀或有燃气异味', 'A gas regulator box damaged, rusted or smelling of gas'],
        close: ['调压箱已维修，检测无泄漏', 'Regulator box repaired, no leak found'],
        handle: wd(1),
        kw: ['调压箱|燃气|锈|味道|黄色箱子', 'regulator box|gas|rust|smell|yellow box'],
      },
    ],
  },
  {
    majorCode: '02',
    zh: '道路交通',
    en: 'Roads and transport',
    rows: [
      {
        m: '01',
        zh: '公交站亭',
        en: 'Bus shelter',
        dept: 'transport',
        file: [
          '公交站亭顶棚、座椅、站牌破损或缺失',
          'A bus shelter roof, seat or stop sign broken or missing',
        ],
        close: ['站亭设施已修复', 'Shelter repaired'],
        handle: wd(5),
        kw: ['公交站|站台|站牌|玻璃|座椅', 'bus stop|platform|stop sign|glass|seat'],
      },
      {
        m: '02',
        zh: '交通信号灯',
        en: 'Traffic light',
        dept: 'traffic_police',
        file: [
          '信号灯不亮、缺亮、倒计时故障或灯杆倾斜',
          'A traffic light out, partly lit, with a broken countdown or a leaning pole',
        ],
        close: ['信号灯恢复正常', 'Traffic light working again'],
        handle: nat(240),
        kw: ['红绿灯|信号灯|不亮|一直红|倒计时', 'traffic light|signal|out|stuck on red|countdown'],
      },
      {
        m: '03',
        zh: '交通标志牌',
        en: 'Traffic sign',
        dept: 'traffic_police',
        file: ['交通标志牌缺失、破损、倾斜或被遮挡', 'A traffic sign missing, broken, leaning or hidden'],
        close: ['标志牌已修复、扶正或清除遮挡', 'Sign repaired, straightened or cleared'],
        handle: wd(5),
        kw: ['标志牌|限速|禁停|歪|挡住', 'sign|speed limit|no parking|leaning|hidden'],
      },
      {
        m: '04',
        zh: '护栏',
        en: 'Guardrail',
        dept: 'transport',
        file: ['道路隔离护栏破损、倾倒、缺失', 'A road guardrail broken, knocked down or missing'],
        close: ['护栏已修复或补齐', 'Guardrail repaired or replaced'],
        handle: wd(3),
        kw: ['护栏|栏杆|撞|倒|缺口', 'guardrail|railing|hit|knocked down|gap'],
      },
      {
        m: '05',
        zh: '路名牌',
        en: 'Street name sign',
        dept: 'civil_affairs',
        file: ['路名牌缺失、破损、倾斜或信息错误', 'A street name sign missing, broken, leaning or wrong'],
        close: ['路名牌已修复或更换', 'Street name sign fixed or replaced'],
        handle: wd(5),
        kw: ['路牌|路名|写错|字|指示', 'street sign|road name|misspelled|characters|direction'],
      },
      {
        m: '06',
        zh: '停车场',
        en: 'Public car park',
        dept: 'transport',
        file: [
          '公共停车场设施破损、标线不清或收费公示缺失',
          'A public car park with broken facilities, faded markings or no posted prices',
        ],
        close: ['停车场设施已修复，公示规范', 'Car park repaired, prices posted'],
        handle: wd(5),
        kw: ['停车场|道闸|收费|车位|划线', 'car park|barrier|charges|parking space|markings'],
      },
      {
        m: '07',
        zh: '过街天桥',
        en: 'Footbridge',
        dept: 'urban_mgmt',
        file: [
          '天桥台阶、栏杆、顶棚破损或照明不亮',
          'Footbridge steps, railings or roof broken, or lights out',
        ],
        close: ['天桥设施已修复', 'Footbridge repaired'],
        handle: wd(3),
        kw: ['天桥|台阶|扶梯|栏杆|漏雨', 'footbridge|steps|escalator|railing|leaking'],
      },
      {
        m: '08',
        zh: '地下通道',
        en: 'Pedestrian underpass',
        dept: 'urban_mgmt',
        file: [
          '地下通道积水、照明不亮或墙面地面破损',
          'An underpass flooded, unlit or with damaged walls or floor',
        ],
        close: ['通道积水排除，照明和设施恢复', 'Underpass drained, lights and fittings restored'],
        handle: wd(3),
        kw: ['地下通道|地道|黑|积水|渗水', 'underpass|tunnel|dark|flooded|seeping'],
      },
      {
        m: '09',
        zh: '人行道板',
        en: 'Pavement slabs',
        dept: 'urban_mgmt',
        file: [
          '人行道板松动、破损、缺失面积≥0.5㎡或高差≥2cm',
          'Loose, broken or missing pavement slabs over 0.5 m², or a 2 cm trip edge',
        ],
        close: ['人行道板已修复平整', 'Pavement relaid and level'],
        handle: wd(3),
        kw: ['地砖|人行道|翘|松动|绊倒', 'paving|pavement|lifted|loose|tripped'],
      },
      {
        m: '10',
        zh: '盲道',
        en: 'Tactile paving',
        dept: 'urban_mgmt',
        file: [
          '盲道砖破损、缺失，或被占用导致中断',
          'Tactile paving broken, missing or interrupted by obstacles',
        ],
        close: ['盲道已修复连通', 'Tactile path repaired and continuous'],
        handle: wd(5),
        kw: ['盲道|占了|断|黄色砖|障碍', 'tactile paving|occupied|broken path|yellow tiles|obstacle'],
      },
      {
        m: '11',
        zh: '道路标线',
        en: 'Road markings',
        dept: 'traffic_police',
        file: ['机动车道、人行横道标线模糊不清或缺失', 'Lane or zebra-crossing markings faded or missing'],
        close: ['标线已重新施划', 'Markings repainted'],
        handle: wd(10),
        kw: ['斑马线|标线|看不清|划线|掉漆', 'zebra crossing|markings|faded|lines|worn paint'],
      },
      {
        m: '12',
        zh: '隔音屏',
        en: 'Noise barrier',
        dept: 'transport',
        file: ['道路隔音屏板破损、缺失或松动', 'A road noise-barrier panel broken, missing or loose'],
        close: ['隔音屏已修复', 'Noise barrier repaired'],
        handle: wd(5),
        kw: ['隔音屏|隔音板|高架|松|响', 'noise barrier|sound panel|elevated road|loose|rattling'],
      },
    ],
  },
  {
    majorCode: '03',
    zh: '市容环境',
    en: 'City appearance and environment',
    rows: [
      {
        m: '01',
        zh: '公共厕所',
        en: 'Public toilet',
        dept: 'sanitation',
        file: [
          '公厕设施损坏、堵塞、无水、异味明显或未按时开放',
          'A public toilet broken, blocked, without water, smelly or closed in opening hours',
        ],
        close: ['公厕设施修复，干净无异味', 'Toilet repaired, clean and odour-free'],
        handle: wh(4),
        kw: ['厕所|公厕|堵|没水|臭', 'toilet|public toilet|blocked|no water|smelly'],
      },
      {
        m: '02',
        zh: '垃圾箱',
        en: 'Litter bin',
        dept: 'sanitation',
        file: ['果皮箱、垃圾桶破损、缺失或满溢', 'A litter bin broken, missing or overflowing'],
        close: ['垃圾箱已修复、补齐或清空', 'Bin repaired, replaced or emptied'],
        handle: wd(1),
        kw: ['垃圾桶|果皮箱|破|满|盖子', 'bin|litter bin|broken|full|lid'],
      },
      {
        m: '03',
        zh: '垃圾间（楼）',
        en: 'Refuse room',
        dept: 'sanitation',
        file: [
          '垃圾房（楼）破损、满溢、异味或门锁损坏',
          'A refuse room broken, overflowing, smelly or with a broken lock',
        ],
        close: ['垃圾房已清理维修，无异味', 'Refuse room cleaned and repaired, no smell'],
        handle: wd(1),
        kw: ['垃圾房|垃圾站|臭|苍蝇|门坏', 'refuse room|refuse station|stinks|flies|door broken'],
      },
      {
        m: '04',
        zh: '广告牌匾',
        en: 'Shopfront sign board',
        dept: 'urban_mgmt',
        file: ['广告牌匾破损、松动、缺字', 'A shopfront sign board broken, loose or missing characters'],
        close: ['牌匾已修复或拆除', 'Sign repaired or removed'],
        handle: wd(5),
        kw: ['牌匾|招牌|掉|缺字|锈', 'sign board|shop sign|falling|missing letters|rust'],
      },
      {
        m: '05',
        zh: '报刊亭',
        en: 'Newsstand',
        dept: 'urban_mgmt',
        file: [
          '报刊亭破损、废弃或超范围经营',
          'A newsstand damaged, abandoned or trading outside its licence',
        ],
        close: ['报刊亭已修复、拆除或规范经营', 'Newsstand repaired, removed or back within licence'],
        handle: wd(5),
        kw: ['报刊亭|报亭|废弃|卖烟|锁着', 'newsstand|kiosk|abandoned|selling cigarettes|locked up'],
      },
      {
        m: '06',
        zh: '公共座椅',
        en: 'Public bench',
        dept: 'urban_mgmt',
        file: ['公共座椅破损、松动或缺失', 'A public bench broken, loose or missing'],
        close: ['座椅已修复或补齐', 'Bench repaired or replaced'],
        handle: wd(5),
        kw: ['椅子|座椅|长椅|坏|木板', 'chair|seat|bench|broken|planks'],
      },
      {
        m: '07',
        zh: '城市雕塑',
        en: 'Public sculpture',
        dept: 'urban_mgmt',
        file: ['城市雕塑破损、污损或基座松动', 'A public sculpture damaged, defaced or on a loose base'],
        close: ['雕塑已修复清洁', 'Sculpture repaired and cleaned'],
        handle: wd(10),
        kw: ['雕塑|雕像|涂鸦|破|底座', 'sculpture|statue|graffiti|damaged|base'],
      },
      {
        m: '08',
        zh: '景观照明设施',
        en: 'Decorative lighting fixture',
        dept: 'urban_mgmt',
        file: ['景观照明设施不亮、破损或线路外露', 'Decorative lighting out, broken or with exposed wiring'],
        close: ['景观灯已修复，线路规范', 'Lighting repaired, wiring safe'],
        handle: wd(3),
        kw: ['景观灯|亮化|灯带|电线|漏电', 'decorative lights|illumination|light strip|wires|electric shock'],
      },
    ],
  },
  {
    majorCode: '04',
    zh: '园林绿化',
    en: 'Greening',
    rows: [
      {
        m: '01',
        zh: '古树名木',
        en: 'Heritage tree',
        dept: 'greening',
        file: [
          '古树名木长势衰弱、病虫害、枝干断裂，或保护设施被破坏',
          'A heritage tree declining, diseased, with split limbs, or its protection damaged',
        ],
        close: ['已采取复壮、支撑或修复保护措施', 'Restoration, propping or protection repair done'],
        handle: wd(5),
        kw: ['古树|老树|挂牌|虫|枯', 'heritage tree|old tree|tag|insects|withering'],
      },
      {
        m: '02',
        zh: '行道树',
        en: 'Street tree',
        dept: 'greening',
        file: [
          '行道树缺株、死亡、倾斜，或枝条遮挡交通标志、影响通行',
          'A street tree missing, dead, leaning, or its branches hiding signs or blocking the way',
        ],
        close: ['已补植、扶正或修剪到位', 'Replanted, straightened or pruned'],
        handle: wd(5),
        kw: ['树|歪|枯死|树枝|挡', 'tree|leaning|dead|branches|blocking'],
      },
      {
        m: '03',
        zh: '绿地',
        en: 'Green space',
        dept: 'greening',
        file: [
          '绿地斑秃、被踩踏、毁绿种菜或设施损坏，面积≥1㎡',
          'A green space with bare patches, trampled, dug up for vegetables or damaged, 1 m² or more',
        ],
        close: ['绿地已补植恢复', 'Green space replanted'],
        handle: wd(5),
        kw: ['草坪|绿地|种菜|踩|黄土', 'lawn|green space|growing vegetables|trampled|bare soil'],
      },
      {
        m: '04',
        zh: '树池',
        en: 'Tree pit',
        dept: 'greening',
        file: ['树池箅子缺失、破损或树池土壤裸露', 'A tree-pit grate missing or broken, or bare soil'],
        close: ['树池已修复覆盖', 'Tree pit repaired and covered'],
        handle: wd(5),
        kw: ['树池|树坑|盖板|坑|绊脚', 'tree pit|tree hole|grate|hole|trip'],
      },
      {
        m: '05',
        zh: '绿地护栏',
        en: 'Green space fence',
        dept: 'greening',
        file: ['绿地护栏破损、缺失或倾倒', 'A green space fence broken, missing or down'],
        close: ['护栏已修复或补齐', 'Fence repaired or replaced'],
        handle: wd(5),
        kw: ['护栏|栏杆|绿化带|倒|缺', 'fence|railing|green belt|down|missing'],
      },
      {
        m: '06',
        zh: '花坛花箱',
        en: 'Flower bed or planter',
        dept: 'greening',
        file: ['花坛、花箱破损或花卉枯死', 'A flower bed or planter broken, or its flowers dead'],
        close: ['花坛花箱已修复，花卉已补种', 'Planter repaired and replanted'],
        handle: wd(5),
        kw: ['花坛|花箱|花死了|碎|空', 'flower bed|planter|dead flowers|cracked|empty'],
      },
    ],
  },
  {
    majorCode: '05',
    zh: '房屋土地',
    en: 'Housing and land',
    rows: [
      {
        m: '01',
        zh: '危险房屋',
        en: 'Dangerous building',
        dept: 'housing',
        file: [
          '房屋墙体开裂、倾斜、构件脱落，存在安全隐患',
          'A building with cracked or leaning walls or falling parts, posing a danger',
        ],
        close: ['已鉴定并采取排险加固或撤离措施', 'Assessed, and made safe, reinforced or evacuated'],
        handle: wd(1),
        kw: ['裂缝|危房|墙|掉渣|倾斜', 'cracks|unsafe building|wall|crumbling|leaning'],
      },
      {
        m: '02',
        zh: '门楼牌',
        en: 'House and building number plate',
        dept: 'civil_affairs',
        file: [
          '门牌、楼牌、单元牌缺失、破损或编号错误',
          'A house, building or unit number plate missing, broken or wrong',
        ],
        close: ['门楼牌已补装或更换', 'Number plate installed or replaced'],
        handle: wd(10),
        kw: [
          '门牌|楼号|单元牌|找不到|没有号',
          'house number|building number|unit sign|cannot find|no number',
        ],
      },
      {
        m: '03',
        zh: '空闲地块',
        en: 'Vacant lot',
        dept: 'natural_resources',
        file: [
          '空闲地块围挡破损、垃圾堆积或被私自占用',
          'A vacant lot with broken fencing, piled rubbish or squatting',
        ],
        close: ['围挡已修复，地块已清理', 'Fence repaired and lot cleared'],
        handle: wd(5),
        kw: ['空地|荒地|围挡|种菜|倒垃圾', 'vacant lot|waste land|fence|growing vegetables|dumping'],
      },
      {
        m: '04',
        zh: '在建工地',
        en: 'Construction site',
        dept: 'housing',
        file: [
          '工地出入口未硬化、冲洗设施缺失或工程公示牌缺失',
          'A site entrance unpaved, without a wheel wash or without the project notice board',
        ],
        close: ['工地设施已整改到位', 'Site facilities corrected'],
        handle: wd(3),
        kw: ['工地|出入口|冲洗|公示牌|泥', 'site|entrance|wheel wash|notice board|mud'],
      },
      {
        m: '05',
        zh: '建筑外立面',
        en: 'Building facade',
        dept: 'housing',
        file: [
          '建筑外立面瓷砖、空调外机支架、窗户等有脱落风险',
          'Facade tiles, air-conditioner brackets or windows at risk of falling',
        ],
        close: ['隐患已排除，外立面修复', 'Hazard removed, facade repaired'],
        handle: wd(1),
        kw: ['外墙|瓷砖|空调架|掉下来|高空坠物', 'outer wall|tiles|AC bracket|falling|falling objects'],
      },
      {
        m: '06',
        zh: '人防设施',
        en: 'Civil air defence facility',
        dept: 'housing',
        file: [
          '人防工程出入口、通风口破损或被占用',
          'A civil air defence entrance or vent damaged or occupied',
        ],
        close: ['人防设施已修复、清理', 'Facility repaired and cleared'],
        handle: wd(10),
        kw: ['人防|防空洞|通风口|地下室|占用', 'civil defence|air-raid shelter|vent|basement|occupied'],
      },
    ],
  },
  {
    majorCode: '06',
    zh: '其他设施',
    en: 'Other facilities',
    rows: [
      {
        m: '01',
        zh: '健身器材',
        en: 'Outdoor fitness equipment',
        dept: 'street_office',
        file: ['公共健身器材破损、松动，存在安全隐患', 'Public fitness equipment broken or loose and unsafe'],
        close: ['器材已修复，或已停用并设置警示', 'Equipment repaired, or closed off with a warning'],
        handle: wd(3),
        kw: ['健身器材|器械|坏了|螺丝|晃', 'fitness equipment|exercise machine|broken|screws|wobbly'],
      },
      {
        m: '02',
        zh: '公共视频监控',
        en: 'Public CCTV camera',
        dept: 'public_security',
        file: [
          '公共视频监控设备损坏、倾斜或线缆外露',
          'A public CCTV camera damaged, tilted or with exposed cables',
        ],
        close: ['监控设备已修复', 'Camera repaired'],
        handle: wd(5),
        kw: ['监控|摄像头|探头|歪|线', 'CCTV|camera|surveillance|tilted|cable'],
      },
      {
        m: '03',
        zh: '河道护栏堤岸',
        en: 'River railing and embankment',
        dept: 'water',
        file: [
          '河道护栏、堤岸破损、缺失或坍塌',
          'A river railing or embankment damaged, missing or collapsed',
        ],
        close: ['护栏堤岸已修复，临水安全', 'Railing and bank repaired, waterside safe'],
        handle: wd(5),
        kw: ['河边|护栏|堤岸|掉河里|塌', 'riverside|railing|embankment|fall in river|collapsed'],
      },
      {
        m: '04',
        zh: '防汛设施',
        en: 'Flood control facility',
        dept: 'water',
        file: ['防汛物资点、泵站、闸门等设施损坏', 'A flood store, pumping station or sluice gate damaged'],
        close: ['防汛设施已修复，可正常运行', 'Flood facility repaired and working'],
        handle: wd(1),
        kw: ['泵站|闸门|沙袋|防汛|抽水', 'pumping station|sluice|sandbags|flood control|pumping'],
      },
      {
        m: '05',
        zh: '充电设施',
        en: 'Charging point',
        dept: 'street_office',
        file: [
          '公共充电桩损坏、线路外露或无法使用',
          'A public charging point broken, with exposed wiring, or unusable',
        ],
        close: ['充电设施已修复，可正常使用', 'Charging point repaired and usable'],
        handle: wd(3),
        kw: ['充电桩|充不了电|电动车|扫码|线', 'charging point|cannot charge|e-bike|scan code|cable'],
      },
      {
        m: '06',
        zh: '物联网感知设备',
        en: 'IoT sensor',
        dept: 'urban_mgmt',
        file: [
          '井盖、水位、烟感等物联网感知设备离线、破损或丢失',
          'A manhole, water-level, smoke or other IoT sensor offline, damaged or missing',
        ],
        close: ['设备已修复并恢复在线', 'Sensor repaired and back online'],
        handle: wd(3),
        kw: ['传感器|离线|设备|报警|电池', 'sensor|offline|device|alarm|battery'],
      },
      {
        m: '07',
        zh: '应急避难场所标识',
        en: 'Emergency shelter sign',
        dept: 'emergency',
        file: [
          '应急避难场所标识牌缺失、破损或信息错误',
          'An emergency shelter sign missing, broken or wrong',
        ],
        close: ['标识牌已补装或更正', 'Sign installed or corrected'],
        handle: wd(10),
        kw: ['避难场所|标识|应急|指示牌|疏散', 'shelter|sign|emergency|direction sign|evacuation'],
      },
    ],
  },
];

interface HotlineRow {
  readonly m: string;
  readonly zh: string;
  readonly en: string;
  readonly file: readonly [string, string];
  readonly close: readonly [string, string];
  readonly handle: Handle;
  readonly kw: readonly [string, string];
}

const HOTLINE_ROWS: readonly HotlineRow[] = [
  {
    m: '01',
    zh: '咨询',
    en: 'Consultation',
    file: [
      '诉求人询问政策法规、办事流程等，坐席无法依知识库当场答复',
      'The caller asks about a policy or procedure the operator cannot answer from the knowledge base',
    ],
    close: ['已向诉求人准确答复所咨询事项', 'The caller has been given an accurate answer'],
    handle: wd(1),
    kw: ['请问|怎么办理|需要什么材料|在哪里|多久', 'how do I|how to apply|what documents|where|how long'],
  },
  {
    m: '02',
    zh: '求助',
    en: 'Request for help',
    file: [
      '诉求人在生产生活中遇到困难请求帮助，诉求地点和联系人明确',
      'The caller needs help with a problem in daily life, with a clear place and contact',
    ],
    close: [
      '已协调解决，或已向诉求人说明原因并经回访确认',
      'Resolved, or the reason explained to the caller and confirmed on call-back',
    ],
    handle: wd(5),
    kw: ['帮忙|求助|没人管|停水|停电', 'please help|help|nobody responsible|no water|power cut'],
  },
  {
    m: '03',
    zh: '投诉',
    en: 'Complaint',
    file: [
      '诉求人对行政机关、公共服务单位或经营者的行为不满，要求处理',
      'The caller is dissatisfied with an agency, public service or business and wants action',
    ],
    close: [
      '投诉事项已核查处理并答复诉求人，回访满意或基本满意',
      'Checked and handled, the caller answered and satisfied or basically satisfied on call-back',
    ],
    handle: wd(5),
    kw: ['投诉|态度差|不作为|多次反映|乱收费', 'complaint|rude|inaction|reported many times|overcharging'],
  },
  {
    m: '04',
    zh: '举报',
    en: 'Report of wrongdoing',
    file: [
      '诉求人反映违法违规行为，线索具体（时间、地点、对象）',
      'The caller reports a violation with specific leads (time, place, party)',
    ],
    close: [
      '已核查并依法处理，结果已反馈实名举报人',
      'Investigated and dealt with by law, result given to the named reporter',
    ],
    handle: wd(15),
    kw: ['举报|违法|偷偷|无证|假货', 'report|illegal|secretly|unlicensed|counterfeit'],
  },
  {
    m: '05',
    zh: '建议',
    en: 'Suggestion',
    file: [
      '诉求人就城市管理、公共服务提出意见建议',
      'The caller suggests an improvement to city management or public services',
    ],
    close: ['已研究并答复采纳情况', 'Considered, and the caller told whether it is adopted'],
    handle: wd(10),
    kw: ['建议|希望|能不能|增加|改进', 'suggest|hope|could you|add more|improve'],
  },
];

function deadlinesFor(handle: Handle, urgent: boolean): StageDeadlines {
  // Published: file + dispatch within 10 min when urgent, 30 min otherwise; verify within 1–2 h.
  return urgent
    ? { file: 5, dispatch: 5, handle: handle.minutes, verify: 60, handleUnit: handle.unit }
    : { file: 15, dispatch: 15, handle: handle.minutes, verify: 120, handleUnit: handle.unit };
}

const splitKw = (s: string): readonly string[] => s.split('|');

function buildMajors(kind: 'event' | 'part', prefix: 'E' | 'P', majors: readonly Major[]): CategorySeed[] {
  return majors.flatMap((major) =>
    major.rows.map((r): CategorySeed => {
      const urgent = r.urgent ?? false;
      return {
        code: `${prefix}${major.majorCode}${r.m}`,
        kind,
        majorCode: major.majorCode,
        minorCode: r.m,
        nameZh: r.zh,
        nameEn: r.en,
        departmentCode: r.dept,
        filingCriteriaZh: r.file[0],
        filingCriteriaEn: r.file[1],
        closingCriteriaZh: r.close[0],
        closingCriteriaEn: r.close[1],
        deadlines: deadlinesFor(r.handle, urgent),
        ...(r.milestones ? { milestones: r.milestones } : {}),
        urgent,
        photoRequired: r.photo ?? true,
        keywordsZh: splitKw(r.kw[0]),
        keywordsEn: splitKw(r.kw[1]),
      };
    }),
  );
}

const HOTLINE_MAJOR_CODE = '01';

const hotlineCategories: readonly CategorySeed[] = HOTLINE_ROWS.map((r) => ({
  code: `H${r.m}`,
  kind: 'hotline',
  majorCode: HOTLINE_MAJOR_CODE,
  minorCode: r.m,
  nameZh: r.zh,
  nameEn: r.en,
  departmentCode: 'hotline_12345',
  filingCriteriaZh: r.file[0],
  filingCriteriaEn: r.file[1],
  closingCriteriaZh: r.close[0],
  closingCriteriaEn: r.close[1],
  // Operator registers the work order during the call; the centre dispatches within 2 working
  // hours; the call-back (回访) to the caller is the verification, within 1 working day.
  deadlines: {
    file: 10,
    dispatch: 120,
    handle: r.handle.minutes,
    verify: WORKING_DAY_MINUTES,
    handleUnit: 'working',
  },
  urgent: false,
  photoRequired: false,
  keywordsZh: splitKw(r.kw[0]),
  keywordsEn: splitKw(r.kw[1]),
}));

const majorSeeds = (kind: 'event' | 'part', prefix: 'E' | 'P', majors: readonly Major[]): MajorClassSeed[] =>
  majors.map((m) => ({
    code: `${prefix}${m.majorCode}`,
    kind,
    majorCode: m.majorCode,
    nameZh: m.zh,
    nameEn: m.en,
  }));

/** Version 1 of the taxonomy: what a fresh installation starts with. */
export const TAXONOMY_V1: TaxonomySeed = {
  version: 1,
  nameZh: '城市管理部件事件分类（第1版）',
  nameEn: 'Urban management parts and events taxonomy, version 1',
  majors: [
    ...majorSeeds('event', 'E', EVENT_MAJORS),
    ...majorSeeds('part', 'P', PART_MAJORS),
    {
      code: `H${HOTLINE_MAJOR_CODE}`,
      kind: 'hotline',
      majorCode: HOTLINE_MAJOR_CODE,
      nameZh: '12345市民诉求',
      nameEn: '12345 citizen requests',
    },
  ],
  categories: [
    ...buildMajors('event', 'E', EVENT_MAJORS),
    ...buildMajors('part', 'P', PART_MAJORS),
    ...hotlineCategories,
  ],
};

/** The category codes' shape per kind, shared by seeds, validation and the tests. */
export const CATEGORY_CODE_PATTERN: Readonly<Record<CategoryKind, RegExp>> = {
  event: /^E\d{4}$/,
  part: /^P\d{4}$/,
  hotline: /^H\d{2}$/,
};

/** Look up a v1 category by code, for generators and tests that only hold the code. */
export function findCategory(code: string): CategorySeed | undefined {
  return TAXONOMY_V1.categories.find((c) => c.code === code);
}
