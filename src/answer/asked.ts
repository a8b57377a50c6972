// Step 1a, what a question asks: its kind (an amount, a date, a place, a person, a reason …), the type of span
// a right answer holds (a share, money, a count, a duration …), the place level (哪个县 → 县) and the units a
// right figure may carry (多少名 → 名; 投资多少 → 元, 万元, 亿元).
import { UNITS } from "../text/figures.js";
import { tagWords, tokenize } from "../text/tokenize.js";
import { countedHead, headOf, nounPhrase } from "./focus.js";
import type { AskKind, AskedType } from "./kinds.js";
import { COUNTED_PEOPLE, questionWords } from "./lexicon.js";
import { endsWithOneOf, patternAt, readTable } from "../text/data-file.js";

/** What a 比例 question asks instead of an amount (lexicon/question-words.txt). */
const NOT_RATIO = questionWords("not-ratio");

export type { AskKind, AskedType };

/** A line of lexicon/unit-triggers.txt: words that imply the answer's units when no unit is named. */
interface UnitTrigger {
  name: string;
  when: "none" | "grown" | "always";
  pattern: RegExp;
  units: string[];
}

const UNIT_TRIGGERS_FILE = new URL("./lexicon/unit-triggers.txt", import.meta.url);
const UNIT_TRIGGERS: UnitTrigger[] = readTable(UNIT_TRIGGERS_FILE, 4).map((row) => {
  const [name, when, pattern, units] = row.columns as [string, string, string, string];
  if (when !== "none" && when !== "grown" && when !== "always") {
    throw new Error(`${UNIT_TRIGGERS_FILE.pathname}:${row.line}: when is none, grown or always, not "${when}"`);
  }
  return { name, when, pattern: patternAt(UNIT_TRIGGERS_FILE, row, pattern), units: units.split(",") };
});

/** The units of money (the `money` trigger's): an answer in them answers 花了多少钱. */
export const MONEY = UNIT_TRIGGERS.find((t) => t.name === "money")?.units ?? [];

const ASKS_FILE = new URL("./lexicon/asks.txt", import.meta.url);
/** The question-word patterns of lexicon/asks.txt by name (date, place, person, reason, yesno, org …). */
export const ASKS: ReadonlyMap<string, RegExp[]> = readTable(ASKS_FILE, 2).reduce((map, row) => {
  const [name, pattern] = row.columns as [string, string];
  map.set(name, [...(map.get(name) ?? []), patternAt(ASKS_FILE, row, pattern)]);
  return map;
}, new Map<string, RegExp[]>());

/** Whether a part has one of the question words of a name in lexicon/asks.txt. */
function asks(name: string, part: string): boolean {
  const patterns = ASKS.get(name);
  if (!patterns) throw new Error(`${ASKS_FILE.pathname}: no "${name}" line`);
  return patterns.some((p) => p.test(part));
}

/** 多少名, 几个, 多少万亩 …: a unit named right after the question word. */
const ASKED_UNIT = new RegExp(
  String.raw`(?:多少|几|若干)(万|亿)?(${[...UNITS]
    .filter((u) => !/^[万亿%‰]/.test(u))
    .sort((a, b) => b.length - a.length)
    .join("|")})`,
  "g",
);

/** A noun whose count is a count of people (lexicon/counted-people.txt). */
const COUNTED_PERSON = endsWithOneOf(COUNTED_PEOPLE);
const PERSON_UNITS = ["人", "名", "余人", "多人", "万人", "人次", "位"];

/** Units named right after 多少 / 几 (多少名, 几个, 多少亩) or implied by the verb (投资多少 → 元). */
export function expectedUnits(part: string): string[] {
  const units = new Set<string>();
  for (const m of part.matchAll(ASKED_UNIT)) {
    const unit = m[2];
    if (!unit) continue;
    // 多少村民 asks for people, not villages: a unit character that starts a longer word is no unit.
    const word = tokenize(part.slice((m.index ?? 0) + m[0].length - unit.length))[0] ?? unit;
    if (word.length > unit.length && word.startsWith(unit)) continue;
    units.add(unit);
    // 多少个小时, 几个星期: 个 only counts the measure after it, which the documents write alone (18小时).
    const measure =
      unit === "个" ? /^(小时|钟头|星期|周)/.exec(part.slice((m.index ?? 0) + m[0].length))?.[1] : undefined;
    if (measure) units.add(measure);
  }
  // 多少个孩子, 几个斜视或弱视的孩子: 个 counts people in everyday speech, while documents count them in 名 or 人.
  if (units.size === 1 && units.has("个") && COUNTED_PERSON.test(countedHead(part))) return [...PERSON_UNITS, "个"];
  // 多少村民: a noun right after the question word is what is counted, whatever else the clause says (挣上钱).
  const counted = /(?:多少|几)([\u4e00-\u9fff]{2,})/.exec(part)?.[1];
  const countedWord = counted ? tokenize(counted)[0] : undefined;
  // 多少援藏资金 counts money although its first word (援藏) does not say so: the whole noun phrase decides.
  const moneyPhrase = counted !== undefined && /钱|资金|经费|金额|投资|费用|款/.test(nounPhrase(counted));
  if (
    units.size === 0 &&
    !moneyPhrase &&
    countedWord &&
    countedWord.length >= 2 &&
    !/钱|资金|经费|金额|投资|费用|元|万|亿|倍|是|为|次|年|天|岁/.test(countedWord)
  ) {
    // The phrase's head decides (医务工作者: 医务 + 工作者), as does its first word (村民挣上钱).
    if (COUNTED_PERSON.test(countedWord) || COUNTED_PERSON.test(headOf(counted ?? ""))) return [...PERSON_UNITS, ""];
    return [];
  }
  for (const trigger of UNIT_TRIGGERS) {
    const applies =
      trigger.when === "always" ||
      (trigger.when === "none" && units.size === 0) ||
      (trigger.when === "grown" && units.size > 0 && !units.has("%"));
    if (applies && trigger.pattern.test(part)) for (const u of trigger.units) units.add(u);
  }
  return [...units];
}

/** Words before 几 that make it "a few", not "how many" (这几年, 前几天, 二十几所, 哪几个景区). */
const FEW_BEFORE = /^(?:这|那|前|后|头|近|最近|过去|哪|[\d十百千万]+)$/;

/**
 * Whether the question asks how many or how much: 多少; 几 as a word of its own (几个, 几轮, 几名, not 几内亚,
 * 几何, 几经, 几乎, 这几年, 20几所); 多大 … 多久 (not 科罗拉多大学); or a share (比例, 百分之, 率是) when no other
 * question word asks for something else (哪一种米的比例最多 asks for a kind, 频率是什么 for a value).
 */
function asksAmount(part: string): boolean {
  const words = tagWords(part);
  // Where each word starts, to find the word a character falls in.
  const starts: number[] = [];
  let at = 0;
  for (const w of words) {
    starts.push(at);
    at += w.word.length;
  }
  const wordAt = (index: number): { word: string; tag: string } | undefined => {
    let i = starts.length - 1;
    while (i > 0 && (starts[i] ?? 0) > index) i--;
    return words[i];
  };
  const asks = words.some((w, i) => {
    const before = words[i - 1]?.word ?? "";
    if (/^多少/.test(w.word)) return true;
    return /^几/.test(w.word) && w.tag === "m" && !FEW_BEFORE.test(before) && !/\d$/.test(before);
  });
  // 多大, 多长 (jieba may glue them to the word before: 占比多大): not when 多 ends a name (科罗拉多|大学).
  const howMuch = [...part.matchAll(/多(?:大|高|长|远|重|久)/g)].some((m) => {
    const word = wordAt(m.index ?? 0);
    return !word || !(/^(?:nr|ns|nz)/.test(word.tag) || (word.word.length > 1 && word.word.endsWith("多")));
  });
  return asks || howMuch || (/比例|百分之|率是/.test(part) && !NOT_RATIO.test(part));
}

/** Whether a part asks for a list or an overview (lexicon/asks.txt `open`): 做了哪些项目, 介绍一下…情况. */
export function asksOpen(part: string): boolean {
  return asks("open", part);
}

/** The kind a part asks, by the question words of lexicon/asks.txt (in its order) and asksAmount. */
export function askKind(part: string): AskKind {
  if (asks("date", part)) return "date";
  if (asksAmount(part)) return "amount";
  for (const kind of ["place", "person", "reason", "yesno"] as const) if (asks(kind, part)) return kind;
  return "thing";
}

const PLACE_LEVEL =
  /哪(?:[一二三四五六七八九十几\d]*)(?:个|座|些)?(团场|自治区|乡镇|省|市|县|区|镇|乡|村|州)(?![域场])/;

/**
 * The place level a question asks for: 哪个县 → 县; "" for 哪里 and for 哪个区域, 哪个市场 (a region, a market: no
 * level). 哪个乡镇 → 镇.
 */
export function placeLevel(part: string): string {
  const m = PLACE_LEVEL.exec(part);
  if (!m?.[1]) return "";
  return m[1] === "乡镇" ? "镇" : m[1];
}

export function askedType(part: string, kind: AskKind, units: string[]): AskedType {
  if (kind === "date") return "date";
  if (kind === "place") return "place";
  if (kind === "person") return "person";
  if (kind === "reason" || kind === "yesno") return kind;
  if (asks("org", part)) return "org";
  if (asks("named-person", part)) return "person";
  if (kind !== "amount") return "thing";
  if (units.includes("%") && units.some((u) => MONEY.includes(u))) return "count";
  if (units.includes("%")) return "percent";
  if (units.length > 0 && units.every((u) => MONEY.includes(u))) return "money";
  if (/多久|多长时间/.test(part)) return "duration";
  return "count";
}
