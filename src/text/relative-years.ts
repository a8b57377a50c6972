// Years a report names by its own date: 今年 in a report dated 2013-08-01 is 2013, 去年 2012. Read where a
// question names a year (the report of that year says 今年 or nothing) and shown beside the word in an answer
// (去年（2012年）), so that a user never has to work out which year a report's 今年 was.

/** The relative words, each with the years it adds to the report's own. Not 当年 or 同年: they count from a
 * year the text has just named, not from the report's date. */
const RELATIVE_YEARS: ReadonlyArray<readonly [string, number]> = [
  ["今年", 0],
  ["本年度", 0],
  ["去年", -1],
  ["前年", -2],
  ["明年", 1],
];

/** The year of a report's date (2013 for 2013-08-01), or undefined when it states none. */
function reportYear(date: string | undefined): number | undefined {
  const year = Number(date?.slice(0, 4));
  return Number.isInteger(year) && year > 0 ? year : undefined;
}

/** The relative words a text holds and the year each names, by the report's date; none when it is unknown. */
export function relativeYears(text: string, date: string | undefined): Array<{ word: string; year: number }> {
  const year = reportYear(date);
  if (year === undefined) return [];
  return RELATIVE_YEARS.filter(([word]) => text.includes(word)).map(([word, offset]) => ({
    word,
    year: year + offset,
  }));
}

/** The years a passage speaks of by its report's date: the report's own year and those its relative words name. */
export function datedYears(text: string, date: string | undefined): string[] {
  const year = reportYear(date);
  if (year === undefined) return [];
  return [...new Set([year, ...relativeYears(text, date).map((r) => r.year)])].map(String);
}

/** The text with each relative word's year beside its first use: 自去年开始 → 自去年（2012年）开始. */
export function withRelativeYears(text: string, date: string | undefined): string {
  let out = text;
  for (const { word, year } of relativeYears(text, date)) {
    const at = out.indexOf(word);
    if (at < 0 || out.slice(at + word.length).startsWith("（")) continue;
    out = `${out.slice(0, at + word.length)}（${year}年）${out.slice(at + word.length)}`;
  }
  return out;
}
