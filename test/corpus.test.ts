// Loading real files: UTF-8 with and without BOM, GBK, Markdown titles, .docx and .pdf, and clear errors for
// files that hold no readable text.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import iconv from "iconv-lite";
import JSZip from "jszip";
import { afterAll, describe, expect, it } from "vitest";
import { DocumentError, decodeText, listDocumentFiles, loadDocument } from "../src/corpus/load.js";

const dir = mkdtempSync(join(tmpdir(), "duikou-corpus-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SENTENCE = "淄博市第九批援藏工作组对口支援西藏自治区日喀则市昂仁县，谋划确定对口支援项目47个，投资1.32亿元。";

/** A one-page PDF whose text uses a standard font (Latin text: no font file is needed). */
function minimalPdf(text: string): Buffer {
  const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, "0")} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}

async function minimalDocx(paragraphs: string[]): Promise<Buffer> {
  const zip = new JSZip();
  zip.file(
    "[Content_Types].xml",
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  );
  zip.file(
    "_rels/.rels",
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
  );
  const body = paragraphs.map((p) => `<w:p><w:r><w:t>${p}</w:t></w:r></w:p>`).join("");
  zip.file(
    "word/document.xml",
    `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`,
  );
  return zip.generateAsync({ type: "nodebuffer" });
}

describe("decoding text files", () => {
  it("reads UTF-8 with and without a BOM, UTF-16 with a BOM, and GBK", () => {
    const utf8 = Buffer.from(SENTENCE, "utf8");
    expect(decodeText(utf8)).toBe(SENTENCE);
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]))).toBe(SENTENCE);
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SENTENCE, "utf16le")]))).toBe(SENTENCE);
    expect(decodeText(iconv.encode(SENTENCE, "gbk"))).toBe(SENTENCE);
    expect(decodeText(iconv.encode("中小學生和援藏幹部", "gb18030"))).toBe("中小學生和援藏幹部");
  });
});

describe("loading documents", () => {
  it("loads a GBK .txt file with its title from the first line", async () => {
    const path = join(dir, "gbk.txt");
    writeFileSync(path, iconv.encode(`淄博援藏三年记\n\n${SENTENCE}`, "gbk"));
    const doc = await loadDocument(path, "gbk.txt");
    expect(doc.title).toBe("淄博援藏三年记");
    expect(doc.text).toContain("投资1.32亿元");
  });

  it("takes a Markdown document's title from its first heading", async () => {
    const path = join(dir, "report.md");
    writeFileSync(path, `前言很长的一段话不是标题，因为它以句号结束。\n\n# 援青工作报告\n\n${SENTENCE}\n`);
    expect((await loadDocument(path, "report.md")).title).toBe("援青工作报告");
  });

  it("reads a .docx", async () => {
    const path = join(dir, "report.docx");
    writeFileSync(path, await minimalDocx(["援疆工作总结", SENTENCE]));
    const doc = await loadDocument(path, "report.docx");
    expect(doc.title).toBe("援疆工作总结");
    expect(doc.text).toContain("对口支援项目47个");
  });

  it("reads a .pdf", async () => {
    const path = join(dir, "report.pdf");
    writeFileSync(path, minimalPdf("Counterpart aid report: 47 projects, 1.32 billion yuan."));
    const doc = await loadDocument(path, "report.pdf");
    expect(doc.text).toContain("47 projects");
  });

  it("rejects a broken PDF, an empty file and an unknown type with the file's name", async () => {
    writeFileSync(join(dir, "broken.pdf"), "%PDF-1.7 truncated");
    writeFileSync(join(dir, "empty.txt"), "   \n");
    writeFileSync(join(dir, "image.png"), "PNG");
    await expect(loadDocument(join(dir, "broken.pdf"), "broken.pdf")).rejects.toThrow(DocumentError);
    await expect(loadDocument(join(dir, "broken.pdf"), "broken.pdf")).rejects.toThrow(/broken\.pdf/);
    await expect(loadDocument(join(dir, "empty.txt"), "empty.txt")).rejects.toThrow(/no readable text/);
    await expect(loadDocument(join(dir, "image.png"), "image.png")).rejects.toThrow(/unsupported/);
  });

  it("lists only supported files, recursively, with forward slashes", async () => {
    const files = await listDocumentFiles(dir);
    expect(files).toContain("gbk.txt");
    expect(files).toContain("report.docx");
    expect(files).not.toContain("image.png");
  });
});
