// The table of figures, built at ingest: every figure of a document (1.32亿元, 657名, 35%, 2022年7月) with what
// it counts or measures (its attribute: 援藏项目, 投资, 教育人才), whom it belongs to (its subject: a province,
// city, county, team, batch or organisation, found in its clause or carried from the clauses and sentences
// before it), when (its time: a year, a date, a period such as 2022年至2024年 or 三年来) and where it stands.
// The cross-document answerer reads it to tell a real conflict (two documents, one attribute, two figures)
// from two facts about different things, to compare and to add up.
import { extractFigures, type Figure, type FigureKind } from "../text/figures.js";
import { normalizeForMatch } from "../text/normalize.js";
import { splitSentences } from "../text/sentences.js";
import { domainWords, tagWords } from "../text/tokenize.js";
import { KNOWN_PLACES, PROVINCES } from "../text/entities.js";

/** Bump when the extraction below changes: the next build reads every file again for its figures. */
export const FIGURE_TABLE_VERSION = 2;

export interface FigureRow {
  source: string;
  /** The figure as written (1.32亿元), its kind, value in base units and unit (元, 名, %, date). */
  text: string;
  kind: FigureKind;
  value: number | undefined;
  unit: string;
  /** 2900多万元, 近500名, 约10亿元, 3000个以上: the figure is a bound or an estimate, not an exact count. */
  approx: boolean;
  /** What the figure counts or measures (援藏项目, 投资, 先心病患儿); for a date, the event (抵达日喀则). */
  attribute: string;
  /** The clause's words before and after the figure (matching a question's words against them). */
  before: string;
  after: string;
  /** Whose figure it is (广东省第十批援藏工作队, 湖南, 淄博市援藏工作组); "" when nothing names one. */
  subject: string;
  /** When (2022年, 2022至2024年, 3年来, 截至今年7月底); "" when the text gives no time. */
  time: string;
  /** The sentence as written in the document, and the figure's offsets in the document text. */
  sentence: string;
  start: number;
  end: number;
  /** Figures listed together (50个、44个、79个) share a group number: the row index of the first. */
  group: number;
}

const placeWords = (): string[] => domainWords().filter((w) => /(?:省|市|县|区|州|乡|镇)$/.test(w));

let subjectPattern: RegExp | undefined;

/**
 * A subject phrase: a place (a province, a known city, a name with 省/市/县/区…) optionally followed by a batch,
 * a programme and a team noun (山东省第十批援藏干部人才, 淄博市援藏工作组), or a team on its own (第十批援藏工作队,
 * 工作组), or an organisation.
 */
function subjectRegex(): RegExp {
  if (subjectPattern) return subjectPattern;
  const names = [...new Set([...PROVINCES.flatMap((p) => [`${p}省`, `${p}市`, p]), ...KNOWN_PLACES, ...placeWords()])]
    .sort((a, b) => b.length - a.length)
    .join("|");
  const place = `(?:${names}|(?![为在全本各对向到赴从由和与我该每受协支当所])(?:(?!援|协作|地区)[\\u4e00-\\u9fff]){2,5}(?:省|市|县|区|州))`;
  const team =
    "(?:第[一二三四五六七八九十百\\d]+批)?(?:对口)?(?:援藏|援疆|援青|支援|援派|帮扶|挂职)?(?:干部人才|干部|人才|工作队|工作组|中心管理组|管理组|指挥部|前方指挥部|医疗队|专家团队|团队)";
  const batchTeam =
    "第[一二三四五六七八九十百\\d]+批(?:对口)?(?:援藏|援疆|援青|支援|援派|帮扶|挂职)?(?:干部人才|干部|人才|工作队|工作组|中心管理组|管理组|指挥部|医疗队)?";
  const org = "[\\u4e00-\\u9fff]{2,8}?(?:集团|公司|医院|大学|学院|中学|小学|博物馆)";
  subjectPattern = new RegExp(`^(?:${place}(?:${team})?(?:援藏|援疆|援青)?|${batchTeam}|${team}|${org})`);
  return subjectPattern;
}

/**
 * Words a clause may open with before its subject (时间): 2022年，进藏以来，截至目前. Not 在 (在日喀则市创造 names
 * where, not who).
 */
const LEAD_IN = new RegExp(
  "^(?:" +
    [
      String.raw`\s`,
      String.raw`\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:以来|起|底|初|末)?`,
      String.raw`截至[^，,；;]{0,10}?(?=[\u4e00-\u9fff]{2}(?:省|市|批))`,
      String.raw`进藏以来|入藏以来|[一二三两四五六七八九十\d]+年来|近年来|今年|去年`,
      String.raw`同时|此外|其中|目前|另外|“|"`,
    ].join("|") +
    ")*",
);

/** The subject a clause opens with (after its lead-in), or "". */
export function clauseSubject(clause: string): string {
  const lead = LEAD_IN.exec(clause)?.[0] ?? "";
  const rest = clause.slice(lead.length);
  const m = subjectRegex().exec(rest);
  if (!m) return "";
  const subject = m[0];
  // A phrase that opens with a verb or an adverb is no name (进一步完善林芝市…).
  const first = tagWords(subject.slice(0, 4))[0];
  if (first && /^(?:v|d|p|c|r|u|m|q)/.test(first.tag) && !/^(?:第|援|工作|支援)/.test(subject)) return "";
  // 三级医院, 两级医疗队: a class of things, not a name.
  if (/^[一二三四五六七八九十两\d]/.test(subject)) return "";
  // A team (工作队, 干部人才) is a subject wherever it opens a clause; a bare place or organisation only when a
  // verb follows (湖南投入资金), not more noun (三级医院对口帮扶人才149人).
  if (!/(?:队|组|部|人才|干部|团队|援藏|援疆|援青|批)$/.test(subject)) {
    const next = tagWords(rest.slice(subject.length, subject.length + 4))[0];
    if (!next || !/^(?:v|d|p|c)/.test(next.tag)) return "";
  }
  return subject;
}

const TIME_SOURCE = [
  String.raw`\d{4}(?:年)?(?:至|到|—|-|~|－)\d{4}年`,
  String.raw`\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:以来|起|底|初|末|上半年|下半年|全年)?`,
  String.raw`截至[^，,；;。]{1,10}?(?:底|末|初|日|目前|现在)`,
  String.raw`[一二三两四五六七八九十\d]+年(?:来|中|里|间|以来)`,
  String.raw`近[一二三两四五六七八九十\d]+年`,
  String.raw`(?:今年|去年|前年)(?:以来|上半年|下半年)?`,
  String.raw`[“"]?十[一二三四五]五[”"]?(?:期间|时期|以来)`,
  String.raw`(?:进藏|入藏|入疆|进疆|援藏|援疆)以来`,
].join("|");

/** Time expressions of a text with their offsets. */
export function timesIn(text: string): { text: string; start: number; end: number }[] {
  return [...text.matchAll(new RegExp(TIME_SOURCE, "g"))].map((m) => ({
    text: m[0],
    start: m.index ?? 0,
    end: (m.index ?? 0) + m[0].length,
  }));
}

const CLAUSE_BREAK = /[，,；;：:。！？!?\n]/;
const TRAILING_FUNCTION =
  /(?:不少于|不低于|不超过|共计|合计|总计|累计|达到|高达|达|约|近|逾|超过|超|共|分别为|分别|为|是|有|了|的|计|各|约为)+$/;
const LEADING_FUNCTION = /^(?:累计|共计|共|先后|分别|已经|已|还|又|再|并|全年|同时|其中|此外|另外|目前|年均|每年)+/;
/** Words that, right after a figure, start a noun phrase it counts (90名教育人才, 50名先心病患儿). */
const NOUN_TAG = /^(?:n|vn|nz|x|j|an|ng)/;

/** The noun phrase right after a figure (医技专家 in 66名医技专家赴日喀则), or "". */
function nounAfter(after: string): string {
  const text = after.replace(/^(?:以上|左右|多|余)/, "");
  if (!text || /^[的之、]/.test(text)) return "";
  let phrase = "";
  const words = tagWords(text.slice(0, 16));
  for (const [i, { word, tag }] of words.entries()) {
    if (/^[“”"「」《》]$/.test(word)) {
      phrase += word;
      continue;
    }
    // A verb-like modifier opens a noun phrase when a noun follows (挂职干部, 援藏干部).
    const modifier =
      phrase === "" &&
      /^v/.test(tag) &&
      word.length === 2 &&
      NOUN_TAG.test(words[i + 1]?.tag ?? "") &&
      !/^v/.test(words[i + 1]?.tag ?? "");
    if (
      (!NOUN_TAG.test(tag) && !modifier) ||
      !/^\p{Script=Han}+$/u.test(word) ||
      /^(?:赴|到|来|在|用于|参加|分|与|和|及)/.test(word)
    )
      break;
    phrase += word;
    if (phrase.length >= 12) break;
  }
  return phrase.replace(/[“”"「」《》]/g, "").length >= 2 ? phrase.replace(/[“”"「」《》]/g, "") : "";
}

/** Whether the text between two figures only lists them (50个、44个、79个; 99%、95%和85%). */
const LISTED = /^(?:、|和|及|与)$/;

/** The figures of one document, with attribute, subject and time. */
export function figureTable(source: string, title: string, text: string): FigureRow[] {
  const rows: FigureRow[] = [];
  const docSubject = documentSubject(title, text);
  let paragraphStart = -1;
  let carriedSubject = "";
  let carriedTime = "";
  // The paragraph break before each sentence, found by one pass over the text (sentences come in order): a
  // search back from every sentence was quadratic in a text without breaks.
  let paragraph = -1;
  let nextParagraph = text.indexOf("\n\n");
  for (const sentence of splitSentences(text)) {
    // Subjects and times carry over sentences within a paragraph, not across paragraphs.
    while (nextParagraph !== -1 && nextParagraph <= sentence.start) {
      paragraph = nextParagraph;
      nextParagraph = text.indexOf("\n\n", nextParagraph + 1);
    }
    if (paragraph !== paragraphStart) {
      paragraphStart = paragraph;
      carriedSubject = "";
      carriedTime = "";
    }
    const norm = normalizeForMatch(sentence.text);
    const times = timesIn(norm);
    // The end of a period (2024年 in 2022至2024年) is part of the period, not a date of its own.
    const inRange = (f: Figure): boolean =>
      times.some((t) => /[至到—~－-]/.test(t.text) && f.start > t.start && f.end <= t.end);
    const figures = extractFigures(norm).filter((f) => f.kind !== "number" && !(f.kind === "date" && inRange(f)));
    const subjects = clauseSubjects(norm);
    if (figures.length === 0) {
      const s = lastSubject(subjects, norm.length);
      if (s) carriedSubject = s;
      const t = timesIn(norm).at(-1);
      if (t) carriedTime = t.text;
      continue;
    }
    let previous: Figure | undefined;
    let previousRow = -1;
    for (const figure of figures) {
      const clauseStart = lastBreak(norm, figure.start);
      const clauseEnd = nextBreak(norm, figure.end);
      const listed =
        previous !== undefined &&
        previous.unit === figure.unit &&
        LISTED.test(
          norm
            .slice(previous.end, figure.start)
            .replace(/^(?:以上|左右)/, "")
            .trim(),
        );
      const from = Math.max(clauseStart, previous && previous.end > clauseStart ? previous.end : clauseStart);
      const before = norm.slice(from, figure.start);
      const nextFigure = figures.find((f) => f.start >= figure.end);
      const after = norm.slice(figure.end, Math.min(clauseEnd, nextFigure?.start ?? clauseEnd));
      const subject = lastSubject(subjects, figure.start) || carriedSubject;
      const time =
        figure.kind === "date"
          ? figure.text
          : (times.filter((t) => t.end <= figure.start && !(t.start === figure.start)).at(-1)?.text ?? carriedTime);
      const group = listed && previousRow >= 0 ? (rows[previousRow]?.group ?? previousRow) : rows.length;
      const attribute =
        listed && previousRow >= 0
          ? (rows[previousRow]?.attribute ?? "")
          : attributeOf(figure, norm, before, after, subject, clauseEnd);
      rows.push({
        source,
        text: sentence.text.slice(figure.start, figure.end),
        kind: figure.kind,
        value: figure.value,
        unit: figure.unit,
        approx:
          /[多余]/.test(figure.text) ||
          /(?:近|约|逾|超过|不少于|不低于)$/.test(norm.slice(Math.max(0, figure.start - 3), figure.start)) ||
          /^(?:以上|左右)/.test(after),
        attribute,
        before: before.trim(),
        after: after.trim(),
        subject: completeSubject(subject, docSubject),
        time,
        sentence: sentence.text,
        start: sentence.start + figure.start,
        end: sentence.start + figure.end,
        group,
      });
      previous = figure;
      previousRow = rows.length - 1;
    }
    const s = lastSubject(subjects, norm.length);
    if (s) carriedSubject = s;
    const t = times.at(-1);
    if (t) carriedTime = t.text;
  }
  return rows;
}

function lastBreak(text: string, before: number): number {
  for (let i = before - 1; i >= 0; i--) if (CLAUSE_BREAK.test(text[i] ?? "")) return i + 1;
  return 0;
}

function nextBreak(text: string, from: number): number {
  for (let i = from; i < text.length; i++) if (CLAUSE_BREAK.test(text[i] ?? "")) return i;
  return text.length;
}

/** The clauses of a sentence with the subject each opens with (computed once per sentence). */
function clauseSubjects(norm: string): { start: number; subject: string }[] {
  const out: { start: number; subject: string }[] = [];
  let start = 0;
  for (let i = 0; i <= norm.length; i++) {
    if (i === norm.length || CLAUSE_BREAK.test(norm[i] ?? "")) {
      const subject = clauseSubject(norm.slice(start, i));
      if (subject) out.push({ start, subject });
      start = i + 1;
    }
  }
  return out;
}

/** The subject of the last clause opening before `until` that names one (several clauses back is common). */
function lastSubject(subjects: { start: number; subject: string }[], until: number): string {
  return subjects.filter((s) => s.start < until).at(-1)?.subject ?? "";
}

/** What a document is about by default: the first subject its title or first sentences name with a place. */
function documentSubject(title: string, text: string): string {
  for (const piece of [title, ...splitSentences(text.slice(0, 400)).map((s) => s.text)]) {
    const norm = normalizeForMatch(piece);
    for (let i = 0; i < norm.length; i++) {
      if (i > 0 && !/[，,；;：:\s—\-“"（(]/.test(norm[i - 1] ?? "")) continue;
      const s = clauseSubject(norm.slice(i));
      if (s && hasPlace(s)) return s;
    }
  }
  return "";
}

function hasPlace(subject: string): boolean {
  return (
    PROVINCES.some((p) => subject.includes(p)) ||
    [...KNOWN_PLACES].some((p) => subject.includes(p)) ||
    /^[\u4e00-\u9fff]{2,5}(?:省|市|县|区|州)/.test(subject)
  );
}

/** A subject without a place (工作组, 第十批援藏工作队) takes the document's place when the document's subject ends alike. */
function completeSubject(subject: string, docSubject: string): string {
  if (!subject) return docSubject;
  if (hasPlace(subject) || !docSubject) return subject;
  const head = /(?:工作队|工作组|管理组|指挥部|医疗队|干部人才|干部|人才)$/.exec(subject)?.[0];
  if (
    head &&
    docSubject.endsWith(head) &&
    (!/第.+批/.test(subject) || docSubject.includes(/第.+批/.exec(subject)?.[0] ?? ""))
  )
    return docSubject;
  return subject;
}

/** What a figure counts or measures: the noun after it (90名**教育人才**) or the words before it (**实施援藏项目**2712个). */
function attributeOf(
  figure: Figure,
  norm: string,
  before: string,
  after: string,
  subject: string,
  clauseEnd: number,
): string {
  if (figure.kind === "date") {
    // A date's attribute is the event its clause states (抵达日喀则), after the subject that opens it.
    const clause = norm.slice(figure.end, clauseEnd).replace(/^[，,\s]+/, "");
    const rest =
      clause.length > 0
        ? clause
        : norm.slice(nextBreak(norm, figure.end) + 1, nextBreak(norm, nextBreak(norm, figure.end) + 1));
    const s = clauseSubject(rest);
    return rest.slice(s.length).replace(LEADING_FUNCTION, "").slice(0, 12);
  }
  const noun = nounAfter(after);
  let lead = before.trim();
  if (subject && lead.startsWith(subject)) lead = lead.slice(subject.length);
  const s = clauseSubject(lead);
  if (s) lead = lead.slice(s.length);
  lead = lead
    .replace(/^[、和及与]|^(?:以上|左右)[、，,]?/, "")
    .replace(/^(?:进藏|入藏)?后/, "")
    .replace(LEADING_FUNCTION, "")
    .replace(TRAILING_FUNCTION, "");
  if (noun) return lead.length > 0 && lead.length <= 4 ? `${lead}${noun}` : noun;
  if (/^的/.test(after)) {
    // 价值20万元的辅助器材: the money measures the thing after 的.
    const thing = nounAfter(after.slice(1));
    return `${lead.slice(-6)}${thing ? `的${thing}` : ""}`;
  }
  return lead.slice(-12);
}

/** The figure table as the answerer reads it: every row, and the rows of each sentence of each document. */
export interface FigureIndex {
  rows: FigureRow[];
  bySentence: Map<string, FigureRow[]>;
  bySource: Map<string, FigureRow[]>;
}

/** The lookup key of a sentence of a document (as the answerer's candidates hold it). */
export function sentenceRowKey(source: string, sentence: string): string {
  return `${source}\n${normalizeForMatch(sentence.trim())}`;
}

export function indexFigures(rows: FigureRow[]): FigureIndex {
  const bySentence = new Map<string, FigureRow[]>();
  const bySource = new Map<string, FigureRow[]>();
  for (const row of rows) {
    const own = bySource.get(row.source);
    if (own) own.push(row);
    else bySource.set(row.source, [row]);
    const key = sentenceRowKey(row.source, row.sentence);
    const list = bySentence.get(key);
    if (list) list.push(row);
    else bySentence.set(key, [row]);
  }
  return { rows, bySentence, bySource };
}

/**
 * The rows of a sentence as the answerer holds it: by its key, or, when a chunk cut the document's sentence
 * differently (a passage that starts mid-sentence), the rows of the document sentence that contains it.
 */
export function rowsOfSentence(index: FigureIndex, source: string, sentence: string): FigureRow[] {
  const exact = index.bySentence.get(sentenceRowKey(source, sentence));
  if (exact) return exact;
  const norm = normalizeForMatch(sentence.trim());
  if (norm.length < 8) return [];
  const containing = (index.bySource.get(source) ?? []).filter((r) => normalizeForMatch(r.sentence).includes(norm));
  return containing.filter((r) => norm.includes(normalizeForMatch(r.text)));
}
