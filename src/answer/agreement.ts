// Agreement of a candidate with what the question asks about: the asked item named (玉麦乡史馆), not only as
// one of a list whose figure is the list's total; the asked role (组长, not 副组长); the counted thing
// (多少名女性 needs 女性). Used by the gates (gates.ts).
import { extractFigures } from "../text/figures.js";
import { mentionsTerm } from "../text/synonyms.js";
import { tagWords, tokenize } from "../text/tokenize.js";
import { ASKED_POSTS, POSTS, REFERS_BACK, SUBSET_MARKERS } from "./lexicon.js";
import type { AnalyzedQuestion, QuestionPart } from "./question.js";
import { figureFits } from "./spans.js";

/**
 * The words that name the asked item: the item's own (玉麦乡史馆 → 玉麦, 史馆) and those of the noun phrase joined
 * to it by 的 (西藏首座青稞博物馆的援藏项目 → 青稞博物馆 as well as 援藏, 项目). Place names are left out: the
 * passage gate already requires them, and a document about 日喀则 rarely repeats it in the sentence that gives
 * the figure (山东水发集团在日喀则投资多少建设光伏+储能示范项目 → 集团投资4.5亿元，建成…光伏+储能示范项目).
 */
export function itemWords(part: QuestionPart, q?: AnalyzedQuestion): string[] {
  if (!part.item || part.kind !== "amount") return [];
  const words = tagWords(part.item);
  const before = part.text.slice(0, Math.max(0, part.text.indexOf(part.item)));
  if (before.endsWith("的")) {
    const modifier = tagWords(before.slice(0, -1));
    let start = modifier.length;
    while (
      start > 0 &&
      /^(?:n|j|x)/.test(modifier[start - 1]?.tag ?? "") &&
      /^\p{Script=Han}+$/u.test(modifier[start - 1]?.word ?? "")
    )
      start--;
    words.unshift(...modifier.slice(start));
  }
  const all = words
    .filter((w) => !w.tag.startsWith("ns"))
    .flatMap((w) => tokenize(w.word))
    .filter((t) => t.length >= 2);
  // Not a place the question names (昂仁县 in 昂仁县中学多媒体教学楼: the passage gate requires it, and the
  // document names it everywhere), unless nothing else names the item.
  const places = (q?.entities ?? []).filter((e) => e.kind === "place").flatMap((e) => e.variants);
  const naming = all.filter((t) => !places.some((p) => p.includes(t)));
  return naming.length > 0 ? naming : all;
}

/**
 * The figure asked of a named thing must be said of that thing: 「湖南援建的玉麦乡史馆花了多少钱」 is not answered
 * by the sentence after the one that names 玉麦乡史馆 (累计落实援藏资金206.31亿元 is the whole programme's). A
 * candidate qualifies when its sentence or its document's title and heading hold a word of the item
 * (`itemWords`: 史馆), or when the sentence opens by referring back (该项目总投资…), whose antecedent the sentence
 * before names. `words` are the part's `itemWords` (none: no gate); `context` is what else may name the item
 * (answer.ts: the normalised title and heading, and the sentence before when this one has no subject of its
 * own or follows a semicolon), and may be a function, called only when the sentence lacks the item. `literal`
 * words count only as written, not by their synonyms (`attributeWords`).
 */
export function itemAgrees(
  norm: string,
  context: string | (() => string),
  words: readonly string[],
  literal: ReadonlySet<string> = new Set(),
): boolean {
  if (words.length === 0 || REFERS_BACK.test(norm)) return true;
  const says = (text: string, w: string): boolean => (literal.has(w) ? text.includes(w) : mentionsTerm(text, w));
  if (words.some((w) => says(norm, w))) return true;
  const around = typeof context === "string" ? context : context();
  return words.some((w) => says(around, w));
}

/**
 * The item's words that name the asked attribute (建筑面积 in 昂仁县中学多媒体教学楼建筑面积是多少): they count for
 * the item only in their own words, for their synonyms include the figure's unit (面积 ↔ 平方米), which every
 * figure of the asked kind has (新建2600平方米的县农牧民综合服务中心 is another building's area).
 */
export function attributeWords(words: readonly string[], part: QuestionPart): Set<string> {
  return new Set(words.filter((t) => part.focus.some((f) => f.includes(t) || t.includes(f))));
}

/** A list's count and what it counts, then 的, before the item: the list names the item's owners (三个团场的). */
const SUMMED_UP = /[一二两三四五六七八九十\d]+[个座所家项位名]?\p{Script=Han}{0,4}的$/u;

/**
 * Whether a sentence names the asked item only as one of a list whose figure is the whole list's
 * (湖南投入资金1200万元，新建了玉麦乡史馆、文化广场、消防车库等设施 does not say what 玉麦乡史馆 cost): the item
 * stands in an enumeration of three or more (or one closed by 等) and no figure of the asked kind stands in its
 * own entry.
 */
export function onlyInListTotal(norm: string, part: QuestionPart): boolean {
  if (!part.item || part.kind !== "amount") return false;
  const at = norm.indexOf(part.item);
  if (at < 0) return false;
  const bounds = /[，,。；;：:！？!?]/g;
  let start = 0;
  let end = norm.length;
  for (const m of norm.matchAll(bounds)) {
    const i = m.index ?? 0;
    if (i < at) start = i + 1;
    else if (i >= at + part.item.length) {
      end = i;
      break;
    }
  }
  const clause = norm.slice(start, end);
  const entries = clause.split("、");
  const closedByDeng = /等/.test(entries.at(-1) ?? "");
  if (entries.length < 3 && !(entries.length >= 2 && closedByDeng)) return false;
  let offset = start;
  for (const entry of entries) {
    if (at >= offset && at < offset + entry.length + 1) {
      // The item is the entry (新建了玉麦乡史馆; 消防车库等设施), not a word qualifying it (昂仁县基层党员干部).
      // Nor the head of a phrase the list qualifies, its count summing it up (七十七、七十六、六十一三个团场的沉砂池).
      const qualified = SUMMED_UP.test(entry.slice(0, entry.lastIndexOf(part.item)));
      const member = entry.replace(/等.*$/, "").endsWith(part.item) && !qualified;
      return member && !extractFigures(entry).some((f) => figureFits(f, part));
    }
    offset += entry.length + 1;
  }
  return false;
}

/** Roles a person question asks about (组长是谁, 副主任是谁). */
const ROLE = new RegExp(`(?:${[...POSTS, ...ASKED_POSTS].join("|")})$`);

/**
 * Whether a sentence names the role a person question asks about: 组长是谁 needs 组长 in the sentence, 副主任是谁
 * needs 副主任, and 主任是谁 is not answered by 副主任 alone. Questions about no particular role agree with any.
 */
export function roleAgrees(norm: string, part: QuestionPart): boolean {
  if (part.asked !== "person") return true;
  const found = part.focus.find((f) => ROLE.test(f));
  if (!found) return true;
  // jieba may cut 副主任 into 副 + 主任: the question's own text says which is asked.
  const role = !found.startsWith("副") && part.text.includes(`副${found}`) ? `副${found}` : found;
  if (role.startsWith("副")) return norm.includes(role);
  for (let at = norm.indexOf(role); at >= 0; at = norm.indexOf(role, at + 1)) if (norm[at - 1] !== "副") return true;
  return false;
}

/**
 * Whether a sentence (with its document's title) names what a count counts (多少名女性 needs 女性; 多少名教育人才
 * needs 教育人才, 人才 or a synonym): a figure of people that says nothing about women does not answer. Any
 * two-character piece of the counted phrase will do (先心病患儿 → 患儿), since documents qualify it otherwise, but a
 * distinguishing word that opens it (女 of 女干部, jieba's tag b) must be said.
 */
/** Any word ending in 族 names a people (藏族, 维吾尔族), which picks a part of a group as 女 does. */
const PEOPLE = /\p{Script=Han}族$/u;

/**
 * The word of a counted phrase that picks a part of the group, if any: jieba's distinguishing words (tag b: 女, 男),
 * lexicon/subset-markers.txt, a people (藏族); a phrase jieba keeps as one word (青年教师) by its opening marker.
 */
export function subsetMarker(counted: string): string | undefined {
  const words = tagWords(counted);
  const isMarker = (w: string): boolean => SUBSET_MARKERS.includes(w) || PEOPLE.test(w);
  for (const w of words.slice(0, -1)) if (w.tag === "b" || isMarker(w.word)) return w.word;
  const only = words.length === 1 ? (words[0]?.word ?? "") : "";
  return SUBSET_MARKERS.find((m) => only.startsWith(m) && only.length - m.length >= 2);
}

export function countedAgrees(seen: string, part: QuestionPart): boolean {
  const counted = part.counted;
  if (!counted || part.kind !== "amount") return true;
  if (mentionsTerm(seen, counted)) return true;
  // A word that picks a part of the group (女 of 女干部, 藏族 of 藏族学生, 青年 of 青年教师) must be said: a head
  // count of 干部 does not count the women.
  const marker = subsetMarker(counted);
  if (marker && !seen.includes(marker)) return false;
  for (let i = 0; i + 2 <= counted.length; i++) if (seen.includes(counted.slice(i, i + 2))) return true;
  return false;
}
