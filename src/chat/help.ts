// What the bot and the terminal chat say about themselves: the introduction, example questions, and the hint
// for a question with no Chinese in it. One wording for both, so the two front ends cannot drift apart.
import { EXAMPLE_QUESTION } from "../answer/index.js";

/** The longest question any front end accepts (a question, not a document). */
export const MAX_QUESTION_CHARS = 500;

/** What a user reads when a question is longer than MAX_QUESTION_CHARS. */
export function tooLongMessage(length: number): string {
  return `问题太长了（${length} 字）。请把问题控制在 ${MAX_QUESTION_CHARS} 字以内，一次问一件事。`;
}

export const INTRO =
  "我根据资料库中的对口支援（援藏、援疆、援青、东西部协作）新闻和报告回答问题，每个回答都注明出处；资料中没有的内容，我会直接说明没有找到。";

export const EXAMPLES = [
  EXAMPLE_QUESTION,
  "2022年山东援藏共投入援藏资金多少？实施了多少个援建项目？",
  "广东省第十批援藏工作队有多少名干部人才？",
];

/** The hint for a question without a single Chinese character, or undefined when it has some. */
export function nonChineseHint(question: string): string | undefined {
  if (/\p{Script=Han}/u.test(question)) return undefined;
  return `资料都是中文的，请用中文提问，例如：${EXAMPLES[0]}（Please ask in Chinese: the documents are in Chinese.）`;
}

/** The help of the terminal chat: the introduction, the documents, examples and its commands. */
export function helpPlain(titles: string[]): string {
  return [
    INTRO,
    `已收录 ${titles.length} 份文件：`,
    ...titles.slice(0, 8).map((t) => `· ${t}`),
    ...(titles.length > 8 ? [`…等 ${titles.length} 份`] : []),
    "可以这样问：",
    ...EXAMPLES.map((e) => `· ${e}`),
    "可以接着上一个问题追问（例如“那广东呢？”）。命令：/help 显示本说明，/docs 列出文件，exit 退出。",
  ].join("\n");
}
