// The two searches hybrid retrieval fuses, behind one interface: the nearest chunk vectors (cosine) and the best
// BM25 chunks for a query's tokens, each as chunk index → score. In process (the default) they are the loaded
// generation's hnswlib graph and BM25 postings; with DATABASE_URL, pgvector's HNSW and postings tables in
// PostgreSQL (pg-search.ts). Everything else of retrieval (fusion, entity boost, widening, re-order) is one code
// path over either.
import type { LoadedIndex } from "./index-store.js";

/**
 * The HNSW candidate list (ef) for k nearest chunks, the same on both stores. A chunk's vector is the mean of its
 * sentences' (index-store.ts), and means lie closer together than the model's own chunk vectors: at 10^5 chunks
 * (npm run bench -- --scale) ef = max(2k, 64) found 0.966 (hnswlib) and 0.94 (pgvector) of the exact top 10, below
 * the 0.95 wanted; four times k is measured in docs/measurements.md (2026-12-04).
 */
export function hnswEf(k: number): number {
  return Math.max(k * 4, 128);
}

export interface SearchBackend {
  /** Up to k chunks nearest to a (normalised) vector: chunk index → cosine similarity. */
  dense(vector: number[], k: number): Promise<Map<number, number>>;
  /** Up to k chunks with the highest BM25 score for the tokens (each counted once): chunk index → score. */
  lexical(tokens: string[], k: number): Promise<Map<number, number>>;
}

/** The searches over the loaded generation in this process. */
export function inProcessSearch(index: LoadedIndex): SearchBackend {
  return {
    dense(vector, k) {
      index.hnsw.setEf(hnswEf(k));
      const res = index.hnsw.searchKnn(vector, Math.min(k, index.chunks.length));
      return Promise.resolve(new Map(res.neighbors.map((id, i) => [id, 1 - (res.distances[i] ?? 1)])));
    },
    lexical(tokens, k) {
      return Promise.resolve(new Map(index.bm25.search(tokens, k).map((hit) => [hit.index, hit.score])));
    },
  };
}
