// The answer JSON of ../shared/CONTRACT.md: what `ask --json` prints and what the bot renders.
import type { Derived } from "../facts/arithmetic.js";

export interface Citation {
  n: number;
  source: string;
  title: string;
  /** When and by whom the cited document was published (ISO date as precise as it says; its publisher). */
  date?: string;
  origin?: string;
  /** The sentence(s) from the passage that support the claim, verbatim from the document. */
  quote: string;
  chunkId: string;
}

export interface PassageOut {
  source: string;
  chunkId: string;
  score: number;
  text: string;
}

export interface AnswerResult {
  question: string;
  answered: boolean;
  mode: "extractive" | "llm";
  answer: string;
  citations: Citation[];
  passages: PassageOut[];
  /** Figures the answer computes (a total, a difference, a comparison), each with its cited inputs. */
  derived?: Derived[];
  /** Why a line could not be asked (blank, too long, an internal error); only on unanswered results. */
  error?: string;
}
