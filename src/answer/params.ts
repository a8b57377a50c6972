// Hand-set numbers of the extractive answerer, each with the reason it has its value. Fitted numbers (the
// ranker's and refusal model's weights, the refusal threshold, retrieval's final-order weights) are not here:
// they live in weights.json, written by `npm run fit`.

/**
 * The most parts one question is answered in (…多少个？投资多少？占比多少？): each part ranks every candidate, so a
 * question of 250 「谁？」 would cost 250 rankings. No question of the seeds, news, CMRC or DRCD dev sets has more
 * than three parts.
 */
export const MAX_QUESTION_PARTS = 5;

/** Passages retrieved for a question: enough that each document answering it has its best passage among them. */
export const RETRIEVE = 20;
/** Passages returned in the answer JSON (and behind the bot's 原文 buttons). */
export const SHOW_PASSAGES = 10;
/**
 * Best candidates per part trimmed to the clauses that answer: the ones later steps look at (the runner-up, the
 * alternatives from other documents, the cross-document sides take at most the first eight).
 */
export const TRIMMED_CANDIDATES = 8;

/** An answer from another document this close in score (as a share of the best's) is shown beside the best one. */
export const AMBIGUITY_RATIO = 0.8;
/** The same when the other document itself names the question's batch or year: it answers the same question. */
export const ANCHORED_AMBIGUITY_RATIO = 0.5;
/** Ranked candidates searched for other documents' answers (the best's seven runners-up). */
export const ALTERNATIVES_SCANNED = 8;
/** At most this many sources' answers are listed; a last line says how many more there are. */
export const MAX_SOURCES_SHOWN = 5;
/** Share of an attribute's character pairs two figures must share to count the same thing. */
export const SAME_ATTRIBUTE = 0.5;
/** The same when the figure's time is the question's year: 援建资金 for 援藏资金 in the year asked. */
export const PARTLY_SAME_ATTRIBUTE = 0.3;

/** How much better another figure of the sentence must fit the counted thing to move the answer to its clause. */
export const COUNTED_MARGIN = 0.2;
/** The least fit (character-pair overlap with the counted thing) a figure's clause needs to take the answer. */
export const COUNTED_MIN_FIT = 0.5;

/**
 * The ranker is a conditional logit: a score difference d means the runner-up is e^-d times as likely to be the
 * answering sentence as the best. Within this difference (a quarter of the best's probability) and standing
 * right beside it, the runner-up is quoted with it as one excerpt of the passage.
 */
export const NEIGHBOUR_MARGIN = Math.log(4);
/** The longest sentence quoted before an answer for what its opening word refers to. */
export const ANTECEDENT_CHARS = 80;

/** A refusal shows its closest lead only when the lead covers this share of the question's words (synonyms too). */
export const LEAD_MIN_COVERAGE = 0.3;

/** The longest answer span quoted from a sentence that describes (a reason, a list, a thing). */
export const MAX_ANSWER_CHARS = 130;
/** The longest answer span for a figure or a date: it is stated in a clause or two. */
export const FACT_ANSWER_CHARS = 60;

/**
 * An open question (做了哪些项目？) is answered with OPEN_MAX_POINTS points at most, from the report the best
 * answer comes from; a point scores at least OPEN_SHARE of the best point's score (open.ts pointScores), so the
 * list stays on the question's subject. A sentence with a figure gets OPEN_FIGURE_BONUS: a point says how much.
 */
export const OPEN_MAX_POINTS = 5;
/** The longest list the 更多 button shows, its first OPEN_MAX_POINTS points being the answer's own. */
export const OPEN_MORE_POINTS = 12;
export const OPEN_SHARE = 0.75;
export const OPEN_FIGURE_BONUS = 0.1;
/** Figures of a point counted for the bonus at most: a table row of ten figures is no better a point. */
export const OPEN_FIGURES_COUNTED = 3;
/** The weight of a point's similarity to the question beside its topic words (0 to 1 each). */
export const OPEN_SEM_WEIGHT = 0.5;
/** Two points sharing more than this share of their character pairs say the same thing: the later is dropped. */
export const OPEN_OVERLAP = 0.5;
/** The longest point shown: a long sentence is cut at a clause end within it (its quote stays whole). */
export const OPEN_POINT_CHARS = 160;
