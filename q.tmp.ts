import { analyzeQuestion } from "./src/answer/question.js";
for (const q of process.argv.slice(2)) {
  const a = analyzeQuestion(q); console.log(q, JSON.stringify(a.parts.map(p=>({asked:p.asked, level:p.level, units:p.units, focus:p.focus}))));
}
