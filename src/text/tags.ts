// jieba's part-of-speech tags for names, defined once: which words are people's names, which are names of any
// kind in an answer, and which a generated answer must take from its quotes.

/** People's names (nr, nrfg). Not nrt: jieba gives transliterations that tag, and Tibetan places too (林芝). */
export const PERSON_TAGS: ReadonlySet<string> = new Set(["nr", "nrfg"]);

/** Proper names of people, transliterations and other proper nouns. */
const PROPER_TAGS = [...PERSON_TAGS, "nrt", "nz"];

/** A name of any kind that an extractive answer may give (persons.ts namesSomething): also Latin words. */
export const ANSWER_NAME_TAGS: ReadonlySet<string> = new Set([...PROPER_TAGS, "eng"]);

/** Names a language model's answer must take from its quotes (verify.ts): also places and organisations. */
export const CHECKED_NAME_TAGS: ReadonlySet<string> = new Set([...PROPER_TAGS, "ns", "nt"]);
