// Cross-document questions, step 2a: whether a question compares (哪个更多, 谁先, 比…多多少, 是否超过) or totals
// (一共, 合计, 加起来, 相差), its sides or inputs (山东和广东, 第九批、第十批), and the single question each is asked as.
import { extractEntities } from "../text/entities.js";
import { normalizeForMatch } from "../text/normalize.js";

export type Relation = "more" | "less" | "earlier" | "later" | "exceed" | "difference" | "total";

/** A question that needs two or more figures and a computation on them. */
export interface CrossQuestion {
  relation: Relation;
  /** One question per side or input (the shared context and the asked attribute added to each). */
  items: string[];
  /** How the answer names each side (山东援藏为日喀则协调的医疗物资, 淄博). */
  labels: string[];
  /** The words that say what is compared (价值, 人数, 投资); "" when the sides say it. */
  attribute: string;
  /** Whether a date is compared rather than an amount. */
  dates: boolean;
  /** The question's own comparative (更高, 更多, 先), used in the verdict. */
  word?: string;
  /** A total of the figures one sentence lists (分别安排…50个、44个、79个 → 合计): the single item asks for the list. */
  group?: boolean;
  /** Per input, what the sentence its figure comes from must name (its year, when inputs differ by year). */
  named?: string[];
}

const CONNECTOR = /[，,]?(?:和|与|跟|同|还是|以及)/g;
const COMPARATIVE =
  /(?:哪个|哪一个|哪边|哪一方|哪方|哪家|哪项|哪一项|谁)(.{0,12}?)(更多|更高|更大|更少|更低|更小|更早|更晚|更先|先|早|多|高|大|少)(.{0,6}?)[？?。]?$/;
const EXCEED = /^(.+?)(?:是否|有没有|是不是)(?:超过|高于|多于|大于)了?(.+?)[？?吗]*$/;
const DIFFERENCE = /^(.+?)比(.+?)(多|少|高|低)(?:了)?(多少|几)(.{0,4})[？?]?$/;
const TOTAL = /(?:一共|合计|总共|加起来|共计|总计|总和|相加|加在一起)/;
const DIFFERENCE_OF = /(?:相差|差多少|差了多少|差距)/;
const MONEY_WORD = /价值|投资|资金|钱|金额|投入|经费|收入|元/;
const PEOPLE_WORD = /人数|多少人|人才|干部|专家|医生|教师|队员|人员|患儿|学生/;

/** Splits the sides of a comparison: at 「，和」 if there is one, else at the connector before a new subject. */
function splitSides(text: string): [string, string] | undefined {
  const matches = [...text.matchAll(CONNECTOR)];
  if (matches.length === 0) return undefined;
  const at = (m: RegExpMatchArray): [string, string] => [
    text.slice(0, m.index),
    text.slice((m.index ?? 0) + m[0].length),
  ];
  const comma = matches.find((m) => /^[，,]/.test(m[0]));
  if (comma) return at(comma);
  const startsWithName = matches.find((m) => {
    const right = text.slice((m.index ?? 0) + m[0].length);
    return extractEntities(right.slice(0, 8)).some(
      (e) => (e.kind === "place" || e.kind === "org") && right.startsWith(e.text.slice(0, 2)),
    );
  });
  const chosen = startsWithName ?? matches[matches.length - 1];
  return chosen ? at(chosen) : undefined;
}

/** The list items of an enumeration (A、B和C): split at 、 and the last connector. */
function listItems(text: string): string[] {
  return text
    .split(/、|(?:和|与|以及|及)(?=[^、]*$)/)
    .map((s) => s.trim())
    .filter((s) => s.length >= 2);
}

function label(side: string, other: string): string {
  const clean = side.replace(/^[，,\s]+|[的，,\s]+$/g, "");
  if (clean.length <= 16) return clean;
  const name = extractEntities(clean)
    .filter((e) => (e.kind === "place" || e.kind === "org") && !other.includes(e.text))
    .sort((x, y) => clean.indexOf(x.text) - clean.indexOf(y.text))[0];
  return name?.text ?? clean.slice(0, 16);
}

/** A short side (山东) takes the rest of the other side (的第十批援藏工作队) to become a question of its own. */
function completeSides(a: string, b: string): [string, string] {
  const nameB = extractEntities(b).find(
    (e) => (e.kind === "place" || e.kind === "org" || e.kind === "batch") && b.startsWith(e.text),
  );
  const nameA = extractEntities(a).find((e) => a === e.text || a === `${e.text}的`);
  if (nameA && nameB && b.length > nameB.text.length + 1) return [`${a}${b.slice(nameB.text.length)}`, b];
  return [a, b];
}

function askFor(item: string, attribute: string, dates: boolean, predicate: string): string {
  if (dates) return `${item}什么时候${predicate}？`;
  const both = `${item}${attribute}`;
  if (MONEY_WORD.test(both)) {
    if (!attribute || MONEY_WORD.test(item.slice(-4))) return `${item}是多少元？`;
    return `${item}的${attribute}是多少元？`.replace(/的的/g, "的");
  }
  if (/人数/.test(attribute) || (attribute === "" && PEOPLE_WORD.test(item))) return `${item}有多少人？`;
  return `${item}${attribute ? `的${attribute}` : ""}是多少？`;
}

/** A year or a span of years as a list item names it: 2011年, 2021—2022年, 2022至2024年. */
const YEAR_SPAN = /\d{4}(?:年)?(?:[—–\-~～至到]\d{4})?年/g;

/**
 * Inputs that differ only by their year (镇江市2011年安排和2012年计划安排…的资金合计): each input is the whole list
 * with the other inputs' years taken out, so the year the question gives it singles out its figure. Undefined
 * unless every item names exactly one year (21、22年那10个项目 names one thing of two years: no inputs).
 */
function yearInputs(listText: string, items: string[]): { questions: string[]; years: string[] } | undefined {
  if (items.length < 2) return undefined;
  const years = items.map((it) => it.match(YEAR_SPAN) ?? []);
  if (years.some((y) => y.length !== 1)) return undefined;
  const own = years.map((y) => y[0] ?? "");
  if (new Set(own).size !== own.length) return undefined;
  // Each other year goes with the connector that joined it (和2012年, 2020年和).
  const drop = (text: string, other: string): string => {
    const at = text.indexOf(other);
    const before = text.slice(0, at);
    const trimmed = before.replace(/(?:和|与|以及|及|、)$/, "");
    const after = text.slice(at + other.length);
    return trimmed === before ? `${before}${after.replace(/^(?:和|与|以及|及|、)/, "")}` : `${trimmed}${after}`;
  };
  const questions = own.map((year) =>
    own.reduce((text, other) => (other === year ? text : drop(text, other)), listText),
  );
  return { questions, years: own };
}

/** The most inputs a total adds up (each is asked and retrieved on its own). */
export const MAX_TOTAL_INPUTS = 5;

/** Recognises a comparison or a total over listed inputs; undefined for every other question. */
export function analyzeCross(question: string): CrossQuestion | undefined {
  const whole = normalizeForMatch(question.trim()).replace(/[？?]+$/, "");
  // 「…分别安排了多少个…？三年合计多少个？」: the total of the figures the first question lists.
  const pieces = whole.split(/[？?]/).filter((p) => p.trim());
  const totalPiece = pieces.findIndex((p, i) => i > 0 && TOTAL.test(p) && /多少|几/.test(p));
  const listing = pieces.slice(0, Math.max(totalPiece, 0)).find((p) => /分别/.test(p));
  if (totalPiece > 0 && listing) {
    return {
      relation: "total",
      items: [`${listing}？`],
      labels: [listing.replace(/分别|多少|几/g, "").slice(0, 16)],
      attribute: "",
      dates: false,
      group: true,
    };
  }
  // 「…2022年至2024年分别安排的援建资金合计多少」 in one clause: the total of the figures one sentence lists.
  const single = pieces.length === 1 ? (pieces[0] ?? "") : "";
  const groupAt = single.search(/分别/);
  if (groupAt >= 0 && TOTAL.test(single.slice(groupAt)) && /多少|几/.test(single.slice(groupAt))) {
    const item = single.replace(TOTAL, "");
    return {
      relation: "total",
      items: [`${item}？`],
      labels: [item.slice(0, 16)],
      attribute: "",
      dates: false,
      group: true,
    };
  }
  const text = pieces.length > 1 ? (pieces.at(-1) ?? whole) : whole;
  const clauses = text.split(/[，,]/);
  const last = clauses.at(-1) ?? "";
  const context = clauses.length > 2 && !CONNECTOR.test(clauses[0] ?? "") ? `${clauses[0]}，` : "";
  CONNECTOR.lastIndex = 0;

  const comparative = COMPARATIVE.exec(last);
  if (comparative) {
    const head = last.slice(0, comparative.index);
    const body = (head.length > 0 ? head : clauses.slice(context ? 1 : 0, -1).join("，")).replace(/[，,]$/, "");
    const sides = splitSides(body);
    if (!sides) return undefined;
    const word = comparative[2] ?? "";
    const dates = /先|早|晚/.test(word);
    const attribute = (comparative[1] ?? "").replace(/^(?:援藏项目|项目)?/, (m) => m).replace(/的$/, "");
    const predicate = dates ? `${comparative[1] ?? ""}${comparative[3] ?? ""}` : "";
    if (!dates && (comparative[3] ?? "").replace(/一些|些|了|呢|啊/g, "").length > 0) return undefined;
    // 「…以及哪一个人作为最早的…」 asks who, not which of two: both sides must say something.
    if (sides[0].trim().length < 2 || sides[1].trim().length < 2) return undefined;
    const [a, b] = completeSides(sides[0].trim(), sides[1].trim());
    const relation: Relation = dates
      ? /晚/.test(word)
        ? "later"
        : "earlier"
      : /少|低|小/.test(word)
        ? "less"
        : "more";
    return {
      relation,
      items: [
        askFor(`${context}${a}`, dates ? "" : attribute, dates, predicate),
        askFor(`${context}${b}`, dates ? "" : attribute, dates, predicate),
      ],
      labels: [label(sides[0], sides[1]), label(sides[1], sides[0])],
      attribute,
      dates,
      word,
    };
  }
  const exceed = EXCEED.exec(text);
  if (exceed) {
    const [a, b] = completeSides((exceed[1] ?? "").trim(), (exceed[2] ?? "").trim());
    if (a.length < 2 || b.length < 2) return undefined;
    return {
      relation: "exceed",
      items: [askFor(a, "", false, ""), askFor(b, "", false, "")],
      labels: [label(exceed[1] ?? "", b), label(exceed[2] ?? "", a)],
      attribute: "",
      dates: false,
    };
  }
  const diff = DIFFERENCE.exec(last);
  if (diff) {
    const a = `${context}${clauses.slice(context ? 1 : 0, -1).join("，")}${diff[1] ?? ""}`.trim();
    const [x, y] = completeSides(a, (diff[2] ?? "").trim());
    const attribute = diff[5] ?? "";
    return {
      relation: "difference",
      items: [askFor(x, attribute, false, ""), askFor(y, attribute, false, "")],
      labels: [label(diff[1] ?? a, y), label(diff[2] ?? "", x)],
      attribute,
      dates: false,
    };
  }
  // A total of listed inputs: 「A、B和C，一共有多少人」; the inputs are the list before the total's clause.
  // Only a clause that asks for an amount (合计多少, not 合计总市值名列第几位) asks for a total.
  const totalAt = clauses.findIndex(
    (c) => (TOTAL.test(c) || DIFFERENCE_OF.test(c)) && /多少|几/.test(c) && !/第几|几位|几名/.test(c),
  );
  if (totalAt >= 0) {
    const listText = clauses.slice(0, totalAt).join("，") || (clauses[totalAt] ?? "").split(TOTAL)[0] || "";
    const items = listItems(listText);
    const byYear = yearInputs(listText, items);
    if (byYear) {
      // What the total counts when it follows the total's word (…项目一共投资多少 → 投资).
      const after = (clauses[totalAt] ?? "").split(TOTAL)[1] ?? "";
      const asked = after.replace(/(?:是|有|了)*(?:多少|几).*$/, "").replace(/^(?:是|有|了)+/, "");
      const attribute = /人/.test(after) ? "人数" : asked;
      return {
        relation: DIFFERENCE_OF.test(clauses[totalAt] ?? "") ? "difference" : "total",
        items: byYear.questions.map((q) => askFor(q, attribute, false, "")),
        labels: byYear.years,
        named: byYear.years.map((y) => y.slice(0, 4)),
        attribute: "",
        dates: false,
      };
    }
    // Listed years or figures (21、22年那10个项目) qualify one thing; they are not things to add up.
    // Short items (受援和协作地区, 资金和物资) qualify one noun; inputs to add up are named in full.
    if (items.length < 2 || items.some((it) => /\d/.test(it) || it.length < 4)) return undefined;
    // Each input is a retrieval of its own: a longer list is answered the usual way, so one question's work
    // stays bounded and one chat cannot slow the others.
    if (items.length > MAX_TOTAL_INPUTS) return undefined;
    // The first item carries the shared lead-in (广东第十批援藏工作队进藏后选派的); the others take it too.
    const lead = /^(.*(?:的))[^的]+$/.exec(items[0] ?? "")?.[1] ?? "";
    const full = items.map((it, i) => (i === 0 || !lead ? it : `${lead}${it}`));
    const ask = (clauses[totalAt] ?? "").replace(TOTAL, "");
    const attribute = /人/.test(ask) ? "人数" : "";
    const relation: Relation = DIFFERENCE_OF.test(clauses[totalAt] ?? "") ? "difference" : "total";
    return {
      relation,
      items: full.map((it) => askFor(it, attribute, false, "")),
      labels: items,
      attribute,
      dates: false,
    };
  }
  return undefined;
}
