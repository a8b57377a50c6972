// The share of a question's word weight that a text holds: the answerer's coverage features and trimming, and
// the retrieval's re-order of passages by their best sentence, measure words alike.
import { mentionsTerm } from "./synonyms.js";

/** Share of the question's term weight found in a text (0 … 1); with synonyms, a synonym counts too. */
export function coverage(norm: string, weights: Map<string, number>, synonyms = false): number {
  let total = 0;
  let found = 0;
  for (const [t, w] of weights) {
    total += w;
    if (synonyms ? mentionsTerm(norm, t) : norm.includes(t)) found += w;
  }
  return total > 0 ? found / total : 0;
}
