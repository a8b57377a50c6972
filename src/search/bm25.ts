// Okapi BM25 over the project's tokens (jieba words, whole figures, domain names). Built from token lists,
// saved as JSON beside the vectors, searched in memory: for a few thousand chunks this takes well under a
// millisecond per query. Scores are summed in a typed array and the best k taken in one pass (no map or sort
// of every chunk a common word touches: at 10^5 chunks that was most of a query's time).

export interface Bm25Hit {
  index: number;
  score: number;
}

export interface Bm25Data {
  k1: number;
  b: number;
  docLengths: number[];
  /** term → [chunk index, term frequency, chunk index, term frequency, …] */
  postings: Record<string, number[]>;
}

export class Bm25Index {
  private readonly data: Bm25Data;
  private readonly avgLength: number;
  private readonly terms: Map<string, number[]>;

  private constructor(data: Bm25Data) {
    this.data = data;
    const total = data.docLengths.reduce((a, b) => a + b, 0);
    this.avgLength = data.docLengths.length ? total / data.docLengths.length : 1;
    this.terms = new Map(Object.entries(data.postings));
  }

  static build(tokenLists: string[][], k1 = 1.2, b = 0.75): Bm25Index {
    const postings = new Map<string, number[]>();
    tokenLists.forEach((tokens, docIndex) => {
      const counts = new Map<string, number>();
      for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
      for (const [term, tf] of counts) {
        let list = postings.get(term);
        if (!list) postings.set(term, (list = []));
        list.push(docIndex, tf);
      }
    });
    return new Bm25Index({
      k1,
      b,
      docLengths: tokenLists.map((t) => t.length),
      postings: Object.fromEntries(postings),
    });
  }

  static fromJSON(data: Bm25Data): Bm25Index {
    return new Bm25Index(data);
  }

  toJSON(): Bm25Data {
    return this.data;
  }

  get size(): number {
    return this.data.docLengths.length;
  }

  /** Inverse document frequency of a term (0 for unknown terms). */
  idf(term: string): number {
    const list = this.terms.get(term);
    if (!list) return 0;
    const df = list.length / 2;
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  /**
   * The k best chunks for the query's tokens, best first; of equal scores, the chunk a query token reached first
   * goes first (the order of the query's distinct tokens, then of their postings).
   */
  search(queryTokens: string[], k: number): Bm25Hit[] {
    const { k1, b, docLengths } = this.data;
    const scores = new Float64Array(this.size);
    const touched: number[] = [];
    for (const term of new Set(queryTokens)) {
      const list = this.terms.get(term);
      if (!list) continue;
      const idf = this.idf(term);
      for (let i = 0; i < list.length; i += 2) {
        const doc = list[i] ?? 0;
        const tf = list[i + 1] ?? 0;
        const norm = tf + k1 * (1 - b + (b * (docLengths[doc] ?? 0)) / this.avgLength);
        if (scores[doc] === 0) touched.push(doc);
        scores[doc] = (scores[doc] ?? 0) + (idf * (tf * (k1 + 1))) / norm;
      }
    }
    return topK(touched, scores, k);
  }
}

/**
 * The k of `docs` with the highest scores, best first, in one pass: a doc enters the kept list only when it
 * beats the last kept, and goes after every kept doc of an equal score (a stable sort's order).
 */
function topK(docs: number[], scores: Float64Array, k: number): Bm25Hit[] {
  const kept: Bm25Hit[] = [];
  if (k <= 0) return kept;
  for (const doc of docs) {
    const score = scores[doc] ?? 0;
    if (kept.length === k && score <= (kept[k - 1]?.score ?? 0)) continue;
    let at = kept.length;
    while (at > 0 && (kept[at - 1]?.score ?? 0) < score) at--;
    kept.splice(at, 0, { index: doc, score });
    if (kept.length > k) kept.pop();
  }
  return kept;
}
