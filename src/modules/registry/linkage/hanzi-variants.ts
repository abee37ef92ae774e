/**
 * Simplified ↔ traditional characters for the names and place words a registry holds. The npm
 * registry offers no maintained converter with its dictionary in the package (OpenCC's data is
 * fetched or compiled), so this is a small table: the common surnames, given-name characters and
 * address words. Comparisons fold traditional to simplified (`張偉` = `张伟`); the generator writes
 * a record in traditional characters, as files from Hong Kong, Macao or Taiwan residents are.
 */
const PAIRS =
  // surnames
  '张張刘劉陈陳杨楊黄黃赵趙吴吳孙孫马馬罗羅郑鄭谢謝许許韩韓冯馮邓鄧蒋蔣叶葉苏蘇吕呂欧歐阳陽' +
  '诸諸钱錢汤湯卢盧陆陸龙龍贺賀顾顧万萬严嚴尔爾齐齊' +
  // given-name characters
  '伟偉静靜丽麗军軍艳艷杰傑涛濤刚剛辉輝兰蘭红紅鹏鵬国國玮瑋炜煒洁潔韬韜铭銘侠俠钢鋼晖暉铃鈴' +
  '贵貴岚嵐丝絲帼幗华華荣榮凤鳳龄齡飞飛宁寧庆慶义義娅婭颖穎钰鈺' +
  // address words
  '东東区區广廣汉漢锦錦楼樓汇匯宝寶滨濱设設胜勝长長号號栋棟单單门門园園县縣镇鎮乡鄉' +
  '湾灣场場桥橋苑苑庄莊';

const S2T = new Map<string, string>();
const T2S = new Map<string, string>();
for (let i = 0; i + 1 < PAIRS.length; i += 2) {
  const s = PAIRS.charAt(i);
  const t = PAIRS.charAt(i + 1);
  if (s === t) continue;
  S2T.set(s, t);
  T2S.set(t, s);
}

const TRADITIONAL = new RegExp(`[${[...T2S.keys()].join('')}]`, 'gu');

/** Traditional characters of the table folded to simplified; anything else unchanged. */
export function toSimplified(s: string): string {
  return s.replace(TRADITIONAL, (c) => T2S.get(c) ?? c);
}

/** Simplified characters of the table written traditional (the generator's variant noise). */
export function toTraditional(s: string): string {
  let out = '';
  for (const c of s) out += S2T.get(c) ?? c;
  return out;
}

/** Whether `toTraditional` changes `s`. */
export function hasTraditionalForm(s: string): boolean {
  for (const c of s) if (S2T.has(c)) return true;
  return false;
}
