// Question analysis: what is asked (an amount, a date, a place, a person, a name), the unit expected, the
// question's entities and key terms, and its parts when it asks several things at once (多少个…投资多少).
// Traditional-character questions are analysed in simplified form.
import { extractEntities, type Entity } from "../text/entities.js";
import { normalizeForMatch } from "../text/normalize.js";
import { tokenize } from "../text/tokenize.js";
import { MAX_QUESTION_PARTS } from "./params.js";
import { askedType, askKind, expectedUnits, placeLevel, type AskKind, type AskedType } from "./asked.js";
import { askedItem, countedThing, DEFINITION_ASKED, DEFINITION_WORD, focusOrItem } from "./focus.js";
import { questionWords } from "./lexicon.js";

/** 什么 / 哪: a clause with them asks a thing (lexicon/question-words.txt). */
const WHICH_WHAT = questionWords("which-what");

export type { AskKind, AskedType };

export interface QuestionPart {
  text: string;
  kind: AskKind;
  asked: AskedType;
  /** For a place question, the level asked (县, 市, 镇 …); "" when any place will do. */
  level: string;
  /** Units a right figure may carry (名, 人次, 元 …); empty when any will do. */
  units: string[];
  terms: string[];
  /**
   * What the answer must be about: the counted thing (多少名**女性干部**), the measured attribute (草湖项目区的**面积**),
   * the role (**副主任**是谁). A candidate that does not mention it (or a synonym) does not answer the part.
   */
  focus: string[];
  /**
   * The counted thing itself for a count (多少名**教育人才**到林芝帮扶 → 教育人才): the noun phrase right after the
   * question word and its unit; "" when the question counts nothing named.
   */
  counted: string;
  /**
   * The thing an amount is asked of, named before the verb (湖南援建的**玉麦乡史馆**花了多少钱): its own figure
   * answers, a list's total that names it among others does not; "" when the question names none.
   */
  item: string;
}

export interface AnalyzedQuestion {
  original: string;
  normalized: string;
  entities: Entity[];
  terms: string[];
  parts: QuestionPart[];
}

/** Splits 「…多少个？投资多少？」 and 「…多少个，投资多少」 into the parts that each ask something. */
function splitParts(question: string): string[] {
  const pieces = question
    .split(/[？?]/)
    .map((p) => p.trim())
    .filter(Boolean);
  const out: string[] = [];
  for (const piece of pieces) {
    const clauses = piece
      .split(/[，,；;]/)
      .map((c) => c.trim())
      .filter(Boolean);
    const asking = clauses.filter((c) => askKind(c) !== "thing" || WHICH_WHAT.test(c));
    if (asking.length > 1) {
      // Each asking clause keeps the shared context (the clauses before the first question word).
      const firstAsk = clauses.findIndex((c) => asking.includes(c));
      const context = clauses.slice(0, firstAsk).join("，");
      for (const c of asking) out.push(context && c === asking[0] ? `${context}，${c}` : c);
    } else out.push(piece);
  }
  return out.length ? out : [question];
}

/** Chat-style question words in their written form (啥 → 什么, 咋 → 怎么, 哪儿 → 哪里), so the rules below see one form. */
const COLLOQUIAL: [RegExp, string][] = [
  [/多会儿/g, "什么时候"],
  [/啥/g, "什么"],
  [/咋/g, "怎么"],
  [/哪儿/g, "哪里"],
];

/**
 * The question words the tokenizer's stop list lacks (哪几个, 几个, 哪位, 哪家, 有何, 何人): they say what is asked,
 * not what the answer's sentence contains, so they are no terms.
 */
const ASKING_WORD = questionWords("asking-token");

/**
 * Asking phrases that jieba cuts so that a part looks like a word (哪一年 → 一年, 哪一位 → 一位, 哪一种 → 一种,
 * 哪一法律 → 一, 什么地方 → 地方, 哪些地方 → 地方): 哪 with its 一 and its measure word goes before the question is
 * cut into terms; the noun after it stays (哪一国家 → 国家, 哪个军队 → 军队).
 */
const ASKING_PHRASE = questionWords("asking-phrase", "g");

/**
 * The source a question cites before it asks (据2012年人民日报报道，/ 2022年的报道说，/ 深圳商报报道中，): it names the
 * report, not what its sentence says, so its words are no terms. Its year and names still count as entities.
 */
const SOURCE_FRAME = /^(?:据|根据)?[^，,。？?]{0,16}?(?:报道|消息|通报)(?:中|说|称|指出|显示)?[，,]/;

function questionTerms(text: string): string[] {
  const definition = DEFINITION_ASKED.test(text);
  const asking = (t: string): boolean => ASKING_WORD.test(t) || (definition && DEFINITION_WORD.test(t));
  return tokenize(text.replace(SOURCE_FRAME, " ").replace(ASKING_PHRASE, " ")).filter((t) => !asking(t));
}

function plainQuestionWords(text: string): string {
  return indefiniteJi(COLLOQUIAL.reduce((t, [from, to]) => t.replace(from, to), text));
}

/** Question words other than 几 (哪几 is one of them). */
const OTHER_ASKING = questionWords("not-ji");

/**
 * 几 beside another question word in the same question means "several", not "how many": 东罗马哪位皇帝发动了几次
 * 战役 asks who, 北朝几个朝代中哪个朝代… asks which, 律令分为几部法典，直到哪一年 asks when. Written 数 (数次, 数个),
 * the reading it has there, so that only the real question word shapes the parts and the asked type. 几 of a date
 * (几时, 几月, 西元几年, 几几年), of 几乎 and of 哪几 stays.
 */
function indefiniteJi(text: string): string {
  return text
    .split(/(?<=[？?])/)
    .map((piece) =>
      OTHER_ASKING.test(piece) ? piece.replace(/(?<!哪|西元|公元|民国|公历|几)几(?![乎时月号日几])/g, "数") : piece,
    )
    .join("");
}

export function analyzeQuestion(question: string): AnalyzedQuestion {
  const normalized = plainQuestionWords(normalizeForMatch(question.trim()));
  const parts = splitParts(normalized)
    .slice(0, MAX_QUESTION_PARTS)
    .map((text): QuestionPart => {
      const kind = askKind(text);
      const units = expectedUnits(text);
      return {
        text,
        kind,
        asked: askedType(text, kind, units),
        level: kind === "place" ? placeLevel(text) : "",
        units,
        terms: questionTerms(text),
        focus: focusOrItem(text, units, kind),
        counted: countedThing(text, units),
        item: kind === "amount" ? askedItem(text) : "",
      };
    });
  return {
    original: question,
    normalized,
    entities: extractEntities(normalized),
    terms: questionTerms(normalized),
    parts,
  };
}
