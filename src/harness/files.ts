// Documents the tests build: a one-page PDF, a .docx with given paragraphs, a Word report with headings, tables
// and newspaper columns, real PDFs of it made by LibreOffice, and a .docx zip bomb (a small file whose
// document.xml unpacks to many megabytes), as admins or attackers would send them.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import JSZip from "jszip";

/** A one-page PDF whose text uses a standard font (Latin text: no font file is needed). */
export function minimalPdf(text: string): Buffer {
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

/** A .docx whose body is the given paragraphs, as Word writes one. */
export function minimalDocx(paragraphs: string[]): Promise<Buffer> {
  return reportDocx(paragraphs.map((p) => ({ p })));
}

/**
 * A .docx of a few hundred KB whose word/document.xml unpacks to `megabytes` MB. With `lie`, the zip's headers
 * declare a small size (so only the parser's own limits can stop it).
 */
export async function zipBombDocx(megabytes: number, options: { lie?: boolean } = {}): Promise<Buffer> {
  const paragraph = "<w:p><w:r><w:t>援藏援藏援藏援藏援藏援藏援藏援藏</w:t></w:r></w:p>";
  const head =
    '<?xml version="1.0" encoding="UTF-8"?><w:document ' +
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>';
  const tail = "</w:body></w:document>";
  const unit = Buffer.from(paragraph);
  const body = Buffer.alloc(Math.ceil((megabytes * 1024 * 1024) / unit.length) * unit.length);
  for (let i = 0; i < body.length; i += unit.length) unit.copy(body, i);
  const xml = Buffer.concat([Buffer.from(head), body, Buffer.from(tail)]);
  const base = await minimalDocx(["placeholder"]);
  const zip = await JSZip.loadAsync(base);
  zip.file("word/document.xml", xml, { compression: "DEFLATE", compressionOptions: { level: 9 } });
  const out = await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE", compressionOptions: { level: 9 } });
  if (!options.lie) return out;
  // Rewrite the declared uncompressed size of document.xml (local header and central directory) to 1 KB.
  const name = Buffer.from("word/document.xml");
  for (let i = 0; i + 30 < out.length; i++) {
    const sig = out.readUInt32LE(i);
    if (sig === 0x04034b50 && out.subarray(i + 30, i + 30 + name.length).equals(name)) out.writeUInt32LE(1024, i + 22);
    if (sig === 0x02014b50 && out.subarray(i + 46, i + 46 + name.length).equals(name)) out.writeUInt32LE(1024, i + 24);
  }
  return out;
}

/** One part of a Word report: a heading (style Heading 1), a paragraph, or a table whose first row is its header. */
export type DocxPart = { heading: string } | { p: string } | { table: string[][] };

const W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/**
 * A .docx as Word writes one: a styles part (so headings are Heading 1), paragraphs and real tables. With
 * `columns`, everything after the first part (the headline, full width) is set in that many columns, as on a
 * newspaper page.
 */
export async function reportDocx(parts: DocxPart[], options: { columns?: number } = {}): Promise<Buffer> {
  const zip = new JSZip();
  zip.file(
    "[Content_Types].xml",
    '<?xml version="1.0" encoding="UTF-8"?><Types ' +
      'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ' +
      'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
      '<Override PartName="/word/styles.xml" ' +
      'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>',
  );
  zip.file(
    "_rels/.rels",
    '<?xml version="1.0" encoding="UTF-8"?><Relationships ' +
      'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" ' +
      'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" ' +
      'Target="word/document.xml"/></Relationships>',
  );
  zip.file(
    "word/_rels/document.xml.rels",
    '<?xml version="1.0" encoding="UTF-8"?><Relationships ' +
      'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" ' +
      'Target="styles.xml"/></Relationships>',
  );
  zip.file(
    "word/styles.xml",
    `<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="${W}">` +
      '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style></w:styles>',
  );
  const run = (text: string): string => `<w:r><w:t xml:space="preserve">${text}</w:t></w:r>`;
  const body = parts
    .map((part) => {
      if ("heading" in part) return `<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>${run(part.heading)}</w:p>`;
      if ("p" in part) return `<w:p>${run(part.p)}</w:p>`;
      const rows = part.table.map(
        (cells) => `<w:tr>${cells.map((c) => `<w:tc><w:p>${run(c)}</w:p></w:tc>`).join("")}</w:tr>`,
      );
      return `<w:tbl>${rows.join("")}</w:tbl>`;
    })
    .join("");
  let content = body;
  if (options.columns && options.columns > 1) {
    // The headline's section ends after the first part (one column); the rest runs in columns.
    const firstEnd = body.indexOf("</w:p>") + "</w:p>".length;
    const breakPara = '<w:p><w:pPr><w:sectPr><w:type w:val="continuous"/><w:cols w:num="1"/></w:sectPr></w:pPr></w:p>';
    const finalSect =
      `<w:sectPr><w:type w:val="continuous"/><w:cols w:num="${options.columns}" ` + `w:space="567"/></w:sectPr>`;
    content = body.slice(0, firstEnd) + breakPara + body.slice(firstEnd) + finalSect;
  }
  zip.file(
    "word/document.xml",
    `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="${W}"><w:body>${content}</w:body></w:document>`,
  );
  return zip.generateAsync({ type: "nodebuffer" });
}

/** LibreOffice's command, when installed (Debian: libreoffice-writer-nogui; `.ci/run` installs it). */
export function libreOffice(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    for (const name of ["soffice", "libreoffice"]) if (existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** A .docx turned into a PDF by LibreOffice (fonts-noto-cjk supplies the Chinese glyphs). */
export function docxToPdf(docx: Uint8Array, workDir: string, name = "page"): Uint8Array {
  const soffice = libreOffice();
  if (!soffice) throw new Error("LibreOffice is not installed (Debian: libreoffice-writer-nogui fonts-noto-cjk)");
  const input = join(workDir, `${name}.docx`);
  writeFileSync(input, docx);
  execFileSync(
    soffice,
    [
      `-env:UserInstallation=file://${join(workDir, "lo-profile")}`,
      "--headless",
      "--convert-to",
      "pdf",
      "--outdir",
      workDir,
      input,
    ],
    {
      stdio: "ignore",
      timeout: 120_000,
    },
  );
  return new Uint8Array(readFileSync(join(workDir, `${name}.pdf`)));
}
