// The named things a question is about: a batch (第十批), places and organisations (淄博, 昂仁县, 水发集团),
// provinces by their short names (山东 = 鲁, 广东 = 粤), years and figures. Retrieval boosts passages that
// contain them; the answerer refuses when no passage supports them.
import { extractFigures } from "./figures.js";
import { normalizeForMatch } from "./normalize.js";
import { domainWords, tagWords, tokenize } from "./tokenize.js";
import { orgSuffixes, readTable } from "./data-file.js";

export type EntityKind = "batch" | "place" | "org" | "year" | "figure" | "term" | "quoted";

export interface Entity {
  text: string;
  kind: EntityKind;
  /** Other spellings that count as the same entity in a passage (山东省 ↔ 山东). */
  variants: string[];
}

export const PROVINCES = [
  "北京",
  "天津",
  "上海",
  "重庆",
  "河北",
  "山西",
  "辽宁",
  "吉林",
  "黑龙江",
  "江苏",
  "浙江",
  "安徽",
  "福建",
  "江西",
  "山东",
  "河南",
  "湖北",
  "湖南",
  "广东",
  "海南",
  "四川",
  "贵州",
  "云南",
  "陕西",
  "甘肃",
  "青海",
  "台湾",
  "内蒙古",
  "广西",
  "西藏",
  "宁夏",
  "新疆",
  "香港",
  "澳门",
];

/** Places the domain names without a suffix (日喀则 rather than 日喀则市). */
export const KNOWN_PLACES = new Set([
  "日喀则",
  "林芝",
  "拉萨",
  "山南",
  "昌都",
  "那曲",
  "阿里",
  "喀什",
  "淄博",
  "烟台",
  "临沂",
  "菏泽",
  "济南",
  "青岛",
  "定西",
  "果洛",
  "玉树",
  "和田",
]);

/** China's prefecture-level divisions by the name questions use (cities.txt: 深圳, 甘孜, 阿里). */
const CITIES: ReadonlySet<string> = new Set(
  readTable(new URL("./cities.txt", import.meta.url), 2).map((row) => row.columns[0] ?? ""),
);

/**
 * The cities of the known places, by province: a report on 淄博's aid is a report on 山东's aid, so a question
 * about 山东援藏 agrees with it (never the other way round: a question about 淄博 needs 淄博).
 */
const PROVINCE_CITIES: Record<string, string[]> = {
  山东: ["淄博", "烟台", "临沂", "菏泽", "济南", "青岛"],
  甘肃: ["定西"],
  青海: ["果洛", "玉树"],
  新疆: ["喀什", "和田"],
  西藏: ["日喀则", "林芝", "拉萨", "山南", "昌都", "那曲", "阿里"],
};

/** The ending of a place that jieba splits from its name (黄南|州, 刚察|县): one administrative character. */
const SPLIT_SUFFIX = /^[省市县区州镇乡村旗盟]/;

/** A word that asks which place (哪些大洋区, 什么地区): what follows it is the asked kind, not a named place. */
const ASKS_WHICH = /^(哪|什么|几)/;

/**
 * Places jieba tags as place names (ns) with their administrative ending after them, which it leaves as a word of
 * its own (黄南州 → 黄南 + 州): the question names that place as surely as 昂仁县.
 */
function taggedPlaces(text: string): string[] {
  const words = tagWords(text);
  return words.flatMap((w, i) => {
    const next = words[i + 1]?.word ?? "";
    const asked = ASKS_WHICH.test(words[i - 1]?.word ?? "");
    const named = w.tag === "ns" && w.word.length >= 2 && !asked;
    return named && next.length === 1 && SPLIT_SUFFIX.test(next) ? [w.word + next] : [];
  });
}

const PLACE_SUFFIX = /^(.{2,8}?)(省|市|县|区|州|镇|乡|村|自治区|地区|盟|旗)$/;
/** A word ending like an organisation (org-suffixes.txt, use "entity"): 淄博市人民医院, 援藏工作组. */
const ORG_SUFFIX = new RegExp(`(${orgSuffixes("entity").join("|")})$`);
/**
 * A word that asks or points rather than names (哪一区, 什么州, 每一旗, 这个县, 该所学校): not an entity the passages
 * must hold, though it ends like a place or an organisation. 那曲 and 本溪 are names: a demonstrative counts only
 * before a numeral or classifier.
 */
const NOT_A_NAME = /^(?:哪|什么|啥|多少|每|某|(?:几|这|那|该|本|此|各|其)[一个些座所家位条])/;
/**
 * Right after a question word (哪家韩国公司, 哪一家电信公司, 什么委员会) a word ending like an organisation or a
 * place is the category asked for, not a name the documents must hold. Provinces, known places and the domain's
 * names stay names (哪家山东企业 still asks about 山东).
 */
const ASKED_BEFORE = /(?:哪|什么|何|啥)[一两二三四五六七八九十几]?[个家所座位条种类间支项部名只]?$/;
function askedCategory(text: string, token: string): boolean {
  const at = text.indexOf(token);
  return at > 0 && ASKED_BEFORE.test(text.slice(Math.max(0, at - 4), at)) && !domainNames().has(token);
}
const BATCH = /第[一二三四五六七八九十百\d]+批/g;
/**
 * A name the question quotes (“孔子学堂”, 「国家名胜古迹信托」, 《史集》): the documents must hold it as written. A
 * quoted sentence or a phrase with punctuation inside is a quotation, not a name.
 */
const QUOTED = /[“「『《"]([\p{Script=Han}\p{L}\p{N}·・\- ]{2,16})[”」』》"]/gu;
const YEAR = /(?:19|20)\d{2}年/g;

const NUMERALS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** The batches a text names, by number (第五批 → 5). */
export function batchesIn(text: string): number[] {
  return [...text.matchAll(BATCH)].flatMap((m) => {
    const n = batchNumber(m[0]);
    return n === undefined ? [] : [n];
  });
}

/** 第十一批 → 11, 第9批 → 9. */
export function batchNumber(batch: string): number | undefined {
  return numberValue(batch.replace(/^第|批$/g, ""));
}

/**
 * A whole number written in digits or Chinese numerals, as counts of batches or years are (十一 → 11, 30 → 30, 两
 * → 2); undefined for anything else.
 */
export function numberValue(body: string): number | undefined {
  if (/^\d+$/.test(body)) return Number(body);
  if (body === "两") return 2;
  let total = 0;
  let current = 0;
  for (const ch of body) {
    if (ch === "十") {
      total += (current || 1) * 10;
      current = 0;
    } else if (ch === "百") {
      total += (current || 1) * 100;
      current = 0;
    } else if (ch in NUMERALS) current = NUMERALS[ch] ?? 0;
    else return undefined;
  }
  return total + current;
}

let knownNames: Set<string> | undefined;
function domainNames(): Set<string> {
  knownNames ??= new Set(domainWords());
  return knownNames;
}

function placeVariants(name: string): string[] {
  const m = PLACE_SUFFIX.exec(name);
  const variants = new Set<string>([name]);
  if (m?.[1] && m[1].length >= 2) variants.add(m[1]);
  for (const p of PROVINCES) {
    if (name !== p && name !== `${p}省`) continue;
    variants.add(p).add(`${p}省`);
    for (const city of PROVINCE_CITIES[p] ?? []) variants.add(city);
  }
  return [...variants];
}

/** Entities named in a question, de-duplicated, longest spelling kept. */
export function extractEntities(question: string): Entity[] {
  const text = normalizeForMatch(question);
  const found = new Map<string, Entity>();
  const add = (e: Entity): void => {
    if (![...found.values()].some((x) => x.variants.includes(e.text) || x.text.includes(e.text))) found.set(e.text, e);
  };
  for (const m of text.matchAll(BATCH)) add({ text: m[0], kind: "batch", variants: [m[0]] });
  for (const m of text.matchAll(QUOTED))
    if (m[1]?.trim()) add({ text: m[1].trim(), kind: "quoted", variants: [m[1].trim()] });
  for (const m of text.matchAll(YEAR)) add({ text: m[0], kind: "year", variants: [m[0], m[0].slice(0, 4)] });
  for (const f of extractFigures(text)) {
    if (f.kind !== "date" && f.kind !== "number") add({ text: f.text, kind: "figure", variants: [f.text] });
  }
  const tokens = [...new Set([...tokenize(text), ...taggedPlaces(text)])].sort((a, b) => b.length - a.length);
  for (const token of tokens) {
    if (token.length < 2 || /\d/.test(token) || NOT_A_NAME.test(token)) continue;
    const province = PROVINCES.find((p) => token === p || token === `${p}省`);
    if (province || KNOWN_PLACES.has(token) || CITIES.has(token))
      add({ text: token, kind: "place", variants: placeVariants(token) });
    else if (askedCategory(text, token)) continue;
    else if (PLACE_SUFFIX.test(token) && (domainNames().has(token) || token.length >= 3)) {
      add({ text: token, kind: "place", variants: placeVariants(token) });
    } else if (ORG_SUFFIX.test(token) && token.length >= 4) add({ text: token, kind: "org", variants: [token] });
    else if (domainNames().has(token)) add({ text: token, kind: "term", variants: [token] });
  }
  return [...found.values()];
}

/** Whether a (normalised) passage mentions the entity in any of its spellings. */
export function mentions(normalizedPassage: string, entity: Entity): boolean {
  // A quoted name may break across lines or keep a space the question drops (“大仓东移 好品西\n进”).
  if (entity.kind === "quoted") {
    const compact = normalizedPassage.replace(/\s+/g, "");
    return entity.variants.some((v) => compact.includes(v.replace(/\s+/g, "")));
  }
  return entity.variants.some((v) => normalizedPassage.includes(v));
}
