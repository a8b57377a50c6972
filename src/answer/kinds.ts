// The kinds of question and the types of answer span the answerer tells apart (asked.ts decides them).

/** What a question asks, by its question word: an amount, a date, a place, a person, a thing, a reason, yes/no. */
export type AskKind = "amount" | "date" | "place" | "person" | "thing" | "reason" | "yesno";

/**
 * The type of span a right answer must hold: a share (百分之多少 → %), money (花了多少 → 元), a count with a
 * fitting unit, a date or year, a duration, a person, a place (at a level: 哪个县 → 县), an organisation, or
 * anything (thing, reason, yes/no).
 */
export type AskedType =
  "percent" | "money" | "count" | "date" | "duration" | "person" | "place" | "org" | "thing" | "reason" | "yesno";
