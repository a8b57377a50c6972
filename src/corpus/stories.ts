// The stories of a compilation. A newspaper page or a bulletin file holds several reports one after another, each
// opened by its wire marker (本报讯, 新华社拉萨5月2日电) under its headline; a list that answers an open question
// comes from the one story its answer stands in, not from its neighbours about other places. A document with
// fewer than two markers is one story.
import type { Chunk } from "./chunk.js";

/** What opens a story: a paper's own-report marker or a wire dateline (agency, place, month and day, 电). */
const STORY_MARKER =
  /本报讯|本報訊|(?:新华社|新華社|中新网|中新網|人民网|人民網)[^\s，。,]{0,12}?\d{1,2}月\d{1,2}日(?:电|電)/g;

/** Where each story of a document starts (character offsets, ascending); [] when it is one story. */
export function storyStarts(chunks: readonly Chunk[]): number[] {
  const starts = new Set<number>();
  for (const chunk of chunks) {
    for (const m of chunk.pageContent.matchAll(STORY_MARKER)) starts.add(chunk.metadata.start + m.index);
  }
  return starts.size >= 2 ? [...starts].sort((a, b) => a - b) : [];
}

/**
 * The story a sentence belongs to, by where it ends: a headline glued to its marker (…盐湖产业基地本报讯…)
 * belongs to the story the marker opens. 0 before the first marker (the page's own title) or for one story.
 */
export function storyOf(starts: readonly number[], sentenceStart: number, sentenceLength: number): number {
  const end = sentenceStart + sentenceLength;
  let story = 0;
  for (let i = 0; i < starts.length; i++) if ((starts[i] ?? Infinity) < end) story = i + 1;
  return story;
}
