// Optional answers from an OpenAI-compatible chat model (DeepSeek, Qwen, Ollama, vLLM …) through LangChain's
// ChatOpenAI. The model sees numbered, delimited passages (data, never instructions) and the question; its
// answer is shown only if every [n] names a given passage and every figure, name, address and denial stands in
// a passage its sentence cites. Anything else — a failed check, an error, a slow or unreachable endpoint —
// gives the extractive answer.
import { readFileSync } from "node:fs";
import { ChatOpenAI } from "@langchain/openai";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import type { AnswerContext, ModelAnswerer } from "./context.js";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import type { ScoredPassage } from "../search/retriever.js";
import { extractFigures, sameFigure } from "../text/figures.js";
import { normalizeForMatch } from "../text/normalize.js";
import { splitSentences } from "../text/sentences.js";
import { RETRIEVE } from "./params.js";
import { provenance } from "./compose.js";
import { answerQuestion } from "./pipeline.js";
import { passagesOut } from "./result.js";
import type { AnswerResult, Citation } from "./types.js";
import { unsupportedLatin, unsupportedNames, unsupportedNegations, verifyFigures } from "./verify.js";

const PROMPTS = new URL("../../prompts/", import.meta.url);
const SYSTEM_PROMPT = readFileSync(new URL("answer.system.txt", PROMPTS), "utf8").trim();
const USER_TEMPLATE = readFileSync(new URL("answer.user.txt", PROMPTS), "utf8").trim();

/** Passages given to the model. */
const LLM_PASSAGES = 6;
export const DEFAULT_LLM_TIMEOUT_MS = 10_000;

export type LlmSettings = NonNullable<Config["llm"]>;

/**
 * A field of the prompt made inert, the same way for every field (passage text, title, source, question): angle
 * brackets become their full-width forms, so no text can open or close a tag, and double quotes become single
 * ones, so no text can end an attribute.
 */
export function promptField(text: string): string {
  return text.replace(/</g, "＜").replace(/>/g, "＞").replace(/"/g, "'");
}

/** One passage, delimited so that none of its fields can close the block or pose as the instructions. */
function formatPassage(n: number, p: ScoredPassage): string {
  const { source, title } = p.chunk.metadata;
  const open = `<passage id="${n}" source="${promptField(source)}" title="${promptField(title)}">`;
  return `${open}\n${promptField(p.text)}\n</passage>`;
}

export function buildPrompt(question: string, passages: ScoredPassage[]): { system: string; user: string } {
  const block = passages.map((p, i) => formatPassage(i + 1, p)).join("\n");
  return {
    system: SYSTEM_PROMPT,
    user: USER_TEMPLATE.replace("{passages}", () => block).replace("{question}", () => promptField(question)),
  };
}

export class LlmAnswerError extends Error {}

/**
 * Why a generated sentence is not grounded in the texts it cites, or undefined: a person, place or organisation,
 * an address, handle or Latin-script word, or a denial that none of them holds.
 */
function ungrounded(claim: string, texts: string[]): string | undefined {
  const names = unsupportedNames(claim, texts);
  if (names.length) return `name ${names.join(", ")} is not in the passage its sentence cites`;
  const latin = unsupportedLatin(claim, texts);
  if (latin.length) return `name or address ${latin.join(", ")} is not in the passage its sentence cites`;
  const denials = unsupportedNegations(claim, texts);
  if (denials.length) return `denial ${denials.join(", ")} is not in the passage its sentence cites`;
  return undefined;
}

function markersOf(text: string): number[] {
  return [...text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
}

/** Sentences of an answer, each with the [n] markers that follow it. */
const CLAIM = /[^。！？\n]+[。！？\n]?(?:\s*(?:\[\d+\])+)?/g;

/**
 * The part of a draft that may be shown while the model is still writing: its complete sentences, in order, up
 * to the first one that cites nothing given or names a figure or a name its cited passages do not hold
 * (markers removed; the final answer renumbers them). The last sentence is never complete until the end.
 */
export function verifiedDraft(draft: string, given: ScoredPassage[]): string {
  const claims = draft.match(CLAIM) ?? [];
  let shown = "";
  for (const claim of claims.slice(0, -1)) {
    const cited = markersOf(claim);
    if (cited.length === 0 || cited.some((n) => n < 1 || n > given.length)) break;
    const passages = cited.map((n) => given[n - 1] as ScoredPassage);
    const asQuotes = passages.map((p, i) => ({
      n: cited[i] ?? 1,
      source: p.chunk.metadata.source,
      title: p.chunk.metadata.title,
      quote: p.text,
      chunkId: p.chunk.metadata.chunkId,
    }));
    if (!verifyFigures(claim, asQuotes).ok) break;
    if (
      ungrounded(
        claim,
        passages.flatMap((p) => [p.text, p.chunk.metadata.title]),
      )
    )
      break;
    shown += claim.replace(/\s*\[\d+\]/g, "");
  }
  return shown.trim();
}

/** The sentences of a passage that carry the answer's figures, or the one sharing most characters with it. */
function quoteFor(passage: string, claim: string): string {
  const sentences = splitSentences(passage).map((s) => s.text);
  const figures = extractFigures(normalizeForMatch(claim.replace(/\[\d+\]/g, "")));
  if (figures.length) {
    const withFigures = sentences.filter((s) => {
      const own = extractFigures(normalizeForMatch(s));
      return figures.some((f) => own.some((o) => sameFigure(f, o)));
    });
    if (withFigures.length) return withFigures.join("");
  }
  const chars = new Set(normalizeForMatch(claim));
  let best = sentences[0] ?? passage;
  let bestScore = -1;
  for (const s of sentences) {
    const score = [...normalizeForMatch(s)].filter((c) => chars.has(c)).length / Math.sqrt(s.length + 1);
    if (score > bestScore) [best, bestScore] = [s, score];
  }
  return best;
}

/**
 * Checks a generated answer against the passages it was given and turns it into the answer JSON: markers are
 * renumbered in order of use, each citation quotes the sentences its claims rely on. Throws LlmAnswerError
 * naming what failed.
 */
export function verifyGenerated(
  question: string,
  text: string,
  given: ScoredPassage[],
  all: ScoredPassage[],
): AnswerResult {
  const answerText = text.trim();
  if (!answerText) throw new LlmAnswerError("empty answer");
  const used = [...answerText.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
  const unknown = used.filter((n) => n < 1 || n > given.length);
  if (unknown.length) throw new LlmAnswerError(`cites passage [${unknown.join("], [")}] that was not given`);
  if (used.length === 0) throw new LlmAnswerError("cites no passage");

  const order = [...new Set(used)];
  const renumber = new Map(order.map((n, i) => [n, i + 1]));
  const renumbered = answerText.replace(/\[(\d+)\]/g, (_m, n: string) => `[${renumber.get(Number(n))}]`);
  const claims = renumbered.match(CLAIM) ?? [renumbered];
  const citations: Citation[] = order.map((original, i) => {
    const passage = given[original - 1] as ScoredPassage;
    const claimText = claims.filter((c) => c.includes(`[${i + 1}]`)).join("");
    return {
      n: i + 1,
      source: passage.chunk.metadata.source,
      title: passage.chunk.metadata.title,
      ...provenance(passage.chunk.metadata),
      quote: quoteFor(passage.text, claimText),
      chunkId: passage.chunk.metadata.chunkId,
    };
  });
  // Figures are checked against the whole cited passages first (the model may combine sentences) …
  const wide = verifyFigures(
    renumbered,
    citations.map((c, i) => ({ ...c, quote: given[(order[i] ?? 1) - 1]?.text ?? "" })),
  );
  if (!wide.ok)
    throw new LlmAnswerError(`figure ${wide.unsupported.join(", ")} is not in the passage its sentence cites`);
  // … and the quotes shown must hold them too (CONTRACT: every figure appears in a citation's quote).
  const narrow = verifyFigures(renumbered, citations);
  if (!narrow.ok) throw new LlmAnswerError(`figure ${narrow.unsupported.join(", ")} is not in the quoted sentences`);
  // Every person, place and organisation a sentence names stands in a passage it cites.
  for (const claim of claims) {
    const cited = markersOf(claim);
    const pool = (cited.length ? cited : [...renumber.values()])
      .map((n) => given[(order[n - 1] ?? 1) - 1])
      .filter((p): p is ScoredPassage => !!p);
    const why = ungrounded(
      claim,
      pool.flatMap((p) => [p.text, p.chunk.metadata.title]),
    );
    if (why) throw new LlmAnswerError(why);
  }
  return {
    question,
    answered: true,
    mode: "llm",
    answer: renumbered,
    citations,
    passages: passagesOut(all.slice(0, 10)),
  };
}

export class LlmAnswerer implements ModelAnswerer {
  private readonly model: ChatOpenAI;

  constructor(
    readonly settings: LlmSettings,
    private readonly log: Logger,
    readonly timeoutMs = DEFAULT_LLM_TIMEOUT_MS,
  ) {
    this.model = new ChatOpenAI({
      model: settings.model,
      apiKey: settings.apiKey ?? "not-needed",
      configuration: { baseURL: settings.baseUrl },
      temperature: 0,
      maxRetries: 1,
      timeout: timeoutMs,
    });
  }

  /**
   * Answers with the model; onDelta receives the verified part of the draft as it grows (only sentences that
   * passed the checks, see verifiedDraft). Falls back to the extractive answer on any failure, within
   * timeoutMs in all.
   */
  async answer(app: AnswerContext, question: string, onDelta?: (textSoFar: string) => void): Promise<AnswerResult> {
    // One retrieval serves both the model's prompt and the extractive fallback.
    const all = await app.retriever.hybridSearch(question, { k: RETRIEVE });
    const extractive = answerQuestion(app, question, all);
    // Held as the fallback; a rejection surfaces where it is awaited, never as an unhandled one.
    extractive.catch(() => undefined);
    const given = all.slice(0, LLM_PASSAGES);
    if (given.length === 0) return extractive;
    const { system, user } = buildPrompt(question, given);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let text = "";
    let lastShown = "";
    try {
      const stream = await this.model.stream([new SystemMessage(system), new HumanMessage(user)], {
        signal: controller.signal,
      });
      for await (const chunk of stream) {
        const piece = typeof chunk.content === "string" ? chunk.content : "";
        if (!piece) continue;
        text += piece;
        if (onDelta) {
          const shown = verifiedDraft(text, given);
          if (shown !== lastShown) onDelta((lastShown = shown));
        }
      }
      if (/资料中未找到/.test(text) && !/\[\d+\]/.test(text)) {
        this.log.info("llm found no answer; using the extractive answerer");
        return await extractive;
      }
      return verifyGenerated(question, text, given, all);
    } catch (err) {
      const reason = controller.signal.aborted
        ? `no answer within ${this.timeoutMs} ms`
        : err instanceof Error
          ? err.message
          : String(err);
      this.log.warn(`llm answer rejected: ${reason}`, { question: this.log.question(question) });
      return await extractive;
    } finally {
      clearTimeout(timer);
    }
  }
}
