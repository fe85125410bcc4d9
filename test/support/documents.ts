/**
 * Builders for the documents the extract tests read: HTML pages, DOCX and PDF files written by
 * the tests themselves, so no binary fixture is committed and every byte is explained here.
 */
import { crc32, deflateRawSync } from 'node:zlib';
import iconv from 'iconv-lite';

// ---------------------------------------------------------------------------------------------
// HTML

export interface NewsPageParts {
  siteName: string;
  headline: string;
  publishedTime: string;
  paragraphs: string[];
}

export const ARABIC_NEWS: NewsPageParts = {
  siteName: 'الجزيرة',
  headline: 'الهيئة الإقليمية للمياه تحذر من تراجع المخزون الجوفي في المدن الساحلية',
  publishedTime: '2025-07-02T09:30:00+03:00',
  paragraphs: [
    'حذرت وكالة الشرطة الدولية (الإنتربول) من أن عددا متزايدا من الدول تضرر من عمليات الاتجار بالبشر المرتبطة بالعمل القسري في مراكز الاحتيال الإلكترونية.',
    'وقال الإنتربول -يوم الاثنين- إن الضحايا يتحدرون من 66 دولة ومن جميع القارات، ووصف الوضع بأنه "أزمة عالمية" وقع ضحيتها مئات الآلاف من الأشخاص.',
    'وتقع مراكز الاحتيال في الأصل في عدد قليل من دول جنوب شرقي آسيا، ويشير تحليل الإنتربول إلى أن 3 من كل 4 ضحايا تم الاتجار بهم في هذه المنطقة.',
  ],
};

/** A scraped news page: navigation, header, share bar, the article, related links, footer, script, style. */
export function newsPageHtml(parts: NewsPageParts = ARABIC_NEWS, charsetMeta = 'utf-8'): string {
  const [first = '', second = '', third = ''] = parts.paragraphs;
  return `<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="${charsetMeta}">
<title>${parts.headline} | ${parts.siteName}</title>
<meta property="og:title" content="${parts.headline}">
<meta property="og:site_name" content="${parts.siteName}">
<meta property="article:published_time" content="${parts.publishedTime}">
<style>body { font-family: serif; } .share { display: flex; }</style>
<script>window.dataLayer = [{ page: "news" }]; console.log("tracking");</script>
</head>
<body>
<header class="site-header"><a href="/" class="logo">${parts.siteName}</a>
  <nav><ul><li><a href="/news">أخبار</a></li><li><a href="/politics">سياسة</a></li><li><a href="/sport">رياضة</a></li></ul></nav>
</header>
<main>
<article>
  <h1>${parts.headline}</h1>
  <div class="meta"><time datetime="2025-07-02">2 يوليو 2025</time></div>
  <div class="share-bar"><a href="https://facebook.com/share">شارك على فيسبوك</a> <a href="https://x.com/intent">غرّد</a></div>
  <p>${first}</p>
  <p>${second}<br>وأضاف &quot;المتحدث&quot; أن التعاون الدولي ضروري &amp; عاجل.</p>
  <figure><img src="/a.jpg" alt="صورة"><figcaption>مقر الإنتربول في ليون</figcaption></figure>
  <p>${third}</p>
  <form class="newsletter"><label>اشترك في النشرة البريدية</label><input type="email"><button>اشترك</button></form>
</article>
<aside class="related-articles"><h2>مقالات ذات صلة</h2>
  <ul><li><a href="/a">بمشاركة 14 دولة عربية.. اجتماع اللجنة العربية الدائمة للبريد</a></li><li><a href="/b">خبر آخر لا علاقة له</a></li></ul>
</aside>
<div id="comments"><p>أضف تعليقك هنا من فضلك وشارك برأيك في هذا الموضوع.</p></div>
</main>
<footer><p>جميع الحقوق محفوظة © ${parts.siteName} 2025</p></footer>
<iframe src="https://ads.example/banner"></iframe>
<script>document.write("ad");</script>
</body>
</html>`;
}

/** The same page saved in windows-1256, declared only by its `<meta charset>`. */
export function windows1256NewsPage(): Uint8Array {
  return iconv.encode(newsPageHtml(ARABIC_NEWS, 'windows-1256'), 'windows-1256');
}

// ---------------------------------------------------------------------------------------------
// ZIP (for DOCX): a minimal writer, stored or deflated entries, no ZIP64.

export interface ZipEntry {
  name: string;
  data: Uint8Array | string;
  /** Overrides the uncompressed size written in the central directory (to fake a bomb). */
  declaredSize?: number;
}

export function zip(entries: ZipEntry[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const raw = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : Buffer.from(entry.data);
    const packed = deflateRawSync(raw);
    const name = Buffer.from(entry.name, 'utf8');
    const crc = crc32(raw);
    const size = entry.declaredSize ?? raw.length;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, packed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

// ---------------------------------------------------------------------------------------------
// DOCX

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface DocxParagraph {
  text: string;
  style?: 'Title' | 'Heading1' | 'Heading2';
  /** Runs separated by a soft line break (`<w:br/>`) inside the paragraph. */
  lines?: string[];
}

function docxParagraph(p: DocxParagraph): string {
  const style = p.style ? `<w:pPr><w:pStyle w:val="${p.style}"/></w:pPr>` : '';
  const lines = p.lines ?? [p.text];
  const runs = lines
    .map(
      (line, i) => `<w:r>${i > 0 ? '<w:br/>' : ''}<w:t xml:space="preserve">${xmlEscape(line)}</w:t></w:r>`,
    )
    .join('');
  return `<w:p>${style}${runs}</w:p>`;
}

const DOCX_STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>
</w:styles>`;

/** The parts a Word document needs to open: content types, package rels, document, styles. */
export function docxEntries(paragraphs: DocxParagraph[]): ZipEntry[] {
  return [
    {
      name: '[Content_Types].xml',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
</Types>`,
    },
    {
      name: '_rels/.rels',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`,
    },
    {
      name: 'word/_rels/document.xml.rels',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>`,
    },
    {
      name: 'word/document.xml',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${paragraphs
        .map(docxParagraph)
        .join('')}</w:body></w:document>`,
    },
    { name: 'word/styles.xml', data: DOCX_STYLES },
  ];
}

export const docx = (paragraphs: DocxParagraph[]): Uint8Array => zip(docxEntries(paragraphs));

/** A DOCX whose document part really inflates to `megabytes` MB of spaces (about 1000:1). */
export function docxBomb(megabytes: number): Uint8Array {
  const entries = docxEntries([{ text: 'x' }]);
  const body = `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>${' '.repeat(megabytes * 1024 * 1024)}</w:t></w:r></w:p></w:body></w:document>`;
  return zip(entries.map((e) => (e.name === 'word/document.xml' ? { name: e.name, data: body } : e)));
}

// ---------------------------------------------------------------------------------------------
// PDF: hand-written objects with a correct xref table, Helvetica text (Latin only: Arabic would
// need an embedded font).

/** Escapes a PDF literal string. */
const pdfString = (s: string) => `(${s.replace(/[\\()]/g, (c) => `\\${c}`)})`;

export interface PdfOptions {
  /** Pages, each a list of paragraphs, each a list of lines. Empty paragraphs list = no text at all. */
  pages: string[][][];
  title?: string;
  /** Adds a standard-security /Encrypt dictionary whose user password is not empty. */
  encrypted?: boolean;
}

export function pdf(options: PdfOptions): Uint8Array {
  const objects: string[] = [];
  const add = (body: string) => {
    objects.push(body);
    return objects.length;
  };
  const catalog = add('');
  const pagesId = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const pageIds: number[] = [];
  for (const page of options.pages) {
    const ops: string[] = [];
    if (page.length > 0) {
      ops.push('BT', '/F1 12 Tf', '14 TL', '72 720 Td');
      page.forEach((paragraph, p) => {
        if (p > 0) ops.push('0 -16 Td'); // a blank line's worth of extra space between paragraphs
        paragraph.forEach((line, i) => {
          ops.push(i === 0 && p === 0 ? `${pdfString(line)} Tj` : `T* ${pdfString(line)} Tj`);
        });
      });
      ops.push('ET');
    } else {
      // An image-only page: a filled rectangle, no text operators.
      ops.push('0.5 g', '72 500 300 200 re', 'f');
    }
    const stream = ops.join('\n');
    const content = add(`<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`);
    pageIds.push(
      add(
        `<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${content} 0 R >>`,
      ),
    );
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesId} 0 R >>`;
  objects[pagesId - 1] =
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;
  const info = options.title
    ? add(`<< /Title ${pdfString(options.title)} /Producer (khulasa tests) >>`)
    : null;
  const hex32 = (byte: string) => `<${byte.repeat(32)}>`;
  const hex16 = `<${'0123456789abcdef'.repeat(2)}>`;
  const encrypt = options.encrypted
    ? add(`<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O ${hex32('5a')} /U ${hex32('a5')} >>`)
    : null;

  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  const trailer = [`/Size ${objects.length + 1}`, `/Root ${catalog} 0 R`];
  if (info) trailer.push(`/Info ${info} 0 R`);
  if (encrypt) trailer.push(`/Encrypt ${encrypt} 0 R`, `/ID [${hex16} ${hex16}]`);
  out += `trailer\n<< ${trailer.join(' ')} >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, 'latin1'));
}
