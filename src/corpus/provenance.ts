// A report's date and origin, as its own text states them: the dateline or source line under the headline
// (2024-03-31 09:38, 发布时间：2019-06-11 来源：交汇点新闻客户端, 2012年03月09日 19:22 来源:中国新闻网, 24.01.2018,
// 中新网青海玛沁9月25日电 with the year from the text), else nothing. Never guessed from the file's time.
// Dates are ISO and as precise as the text (2024, 2024-03, 2024-03-31); the origin is the publisher's name as
// written (来源 first, then a name ending like a publisher's: 日报, 网, 社, 客户端 …).
import { readWords } from "../text/data-file.js";
import { toSimplified } from "../text/normalize.js";

export interface Provenance {
  date?: string;
  origin?: string;
}

/** Characters of a document's opening searched for its dateline and source line. */
const HEAD_CHARS = 400;

const ORIGIN_ENDINGS = readWords(new URL("./origin-endings.txt", import.meta.url));
const ORIGIN_NAME = new RegExp(
  String.raw`[“"]?[\p{Script=Han}A-Za-z0-9“”"·\-]{1,20}(?:${ORIGIN_ENDINGS.join("|")})(?:原创)?`,
  "u",
);

const pad = (n: string | number): string => String(n).padStart(2, "0");

/** A plausible date: a year the reports could have, a real month and day. */
function isoDate(year: number, month?: number, day?: number): string | undefined {
  if (year < 1950 || year > 2100) return undefined;
  if (month === undefined) return String(year);
  if (month < 1 || month > 12) return undefined;
  if (day === undefined) return `${year}-${pad(month)}`;
  if (day < 1 || day > 31) return undefined;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** Date patterns of a dateline, in the order tried; each gives year, month, day. */
const DATES: [RegExp, (m: RegExpExecArray) => string | undefined][] = [
  // A two-digit day may have its time glued on (2018-07-2009:43:33 once the spaces are gone).
  [/(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{2}|\d(?!\d))/, (m) => isoDate(+m[1]!, +m[2]!, +m[3]!)],
  [/(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/, (m) => isoDate(+m[1]!, +m[2]!, +m[3]!)],
  [/(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)/, (m) => isoDate(+m[3]!, +m[2]!, +m[1]!)],
  [/(\d{4})\s*年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*日)/, (m) => isoDate(+m[1]!, +m[2]!)],
];

/** A wire dateline without a year (新华社福州3月11日电, 中新网青海玛沁9月25日电): its month and day. */
const WIRE_DATELINE = /^(\S{1,12}?(?:社|网|台))\S{0,10}?(\d{1,2})月(\d{1,2})日电/;

/** The labelled source on a source line: 来源：人民日报, 來源: 浙江日報 (up to the next label or wide space). */
const SOURCE_LABEL = /来源\s*[:：]\s*([^\s:：|丨]+)/;

/** Labels and figures on a source line that are not the publisher: 作者：王杰, 发布时间 …, 第A1版, 2024-07-06. */
const NOT_ORIGIN = /(?:作者|编辑|发布时间|发布日期|发布|时间|日期|浏览|点击|第\S*版|^\d{1,4}[-/.:年月])/;

/**
 * The latest year the dateline's own paragraph names (for a wire dateline that gives only month and day); none
 * when it names none: a year from further down is as likely the year of a past event as the report's.
 */
function latestYear(text: string): number | undefined {
  const years = [...text.matchAll(/(?<!\d)(19[9]\d|20\d\d)年/g)].map((m) => Number(m[1]));
  return years.length ? Math.max(...years) : undefined;
}

/** The origin named on a line: a 来源 label first, then a name that ends like a publisher's. */
function originOn(line: string): string | undefined {
  const labelled = SOURCE_LABEL.exec(line)?.[1]?.replace(/[，,。;；]+$/, "");
  if (labelled) return labelled;
  for (const whole of line.split(/[\s|丨、]+/)) {
    // 深圳商报记者米鹏民: the publisher before 记者, never the reporter's name after it.
    const token = whole.replace(/记者.*$/, "");
    if (!token || NOT_ORIGIN.test(token)) continue;
    const name = ORIGIN_NAME.exec(token);
    if (name && name.index === 0) return name[0];
  }
  return undefined;
}

/**
 * The date and origin of a document from its text (title excluded): the first lines under the headline, where
 * reports print them. A line counts as a dateline when it holds a date and is short (not a sentence of the body).
 */
export function provenanceOf(text: string): Provenance {
  const head = text.slice(0, HEAD_CHARS);
  const lines = head
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 4);
  const found: Provenance = {};
  // Matched on the simplified line, given back as written (the conversion maps one character to one).
  const asWritten = (raw: string, line: string, name: string): string => {
    const at = line.indexOf(name);
    return at >= 0 && raw.length === line.length ? raw.slice(at, at + name.length) : name;
  };
  for (const raw of lines) {
    const line = toSimplified(raw);
    // A body sentence (long, or ending like one) is not a dateline, except a wire dateline that opens it.
    const wire = WIRE_DATELINE.exec(line);
    if (wire && !found.date) {
      const year = latestYear(line);
      const date = year !== undefined ? isoDate(year, Number(wire[2]), Number(wire[3])) : undefined;
      if (date) found.date = date;
      found.origin ??= asWritten(raw, line, wire[1]!);
      break;
    }
    if (line.length > 80 || /[。！？]$/.test(line)) continue;
    for (const [pattern, read] of DATES) {
      const m = pattern.exec(line);
      const date = m ? read(m) : undefined;
      if (date && !found.date) {
        found.date = date;
        break;
      }
    }
    const origin = originOn(line.replace(/\d{1,2}:\d{2}(?::\d{2})?/g, (t) => " ".repeat(t.length)));
    if (origin && !found.origin && (found.date || SOURCE_LABEL.test(line) || lines.indexOf(raw) === 0))
      found.origin = asWritten(raw, line, origin);
    if (found.date && found.origin) break;
  }
  return found;
}
