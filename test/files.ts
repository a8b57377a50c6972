// Documents the tests build: a one-page PDF, a .docx with given paragraphs, and a .docx zip bomb (a small file
// whose document.xml unpacks to many megabytes), as admins or attackers would send them.
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

export async function minimalDocx(paragraphs: string[]): Promise<Buffer> {
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

/**
 * A .docx of a few hundred KB whose word/document.xml unpacks to `megabytes` MB. With `lie`, the zip's headers
 * declare a small size (so only the parser's own limits can stop it).
 */
export async function zipBombDocx(megabytes: number, options: { lie?: boolean } = {}): Promise<Buffer> {
  const paragraph = "<w:p><w:r><w:t>援藏援藏援藏援藏援藏援藏援藏援藏</w:t></w:r></w:p>";
  const head = '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>';
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
