/**
 * The file name a recipient sees: the attachment's title, made safe to save on any system, with
 * the detected type's extension added when the title has none.
 */

const fallbackName = 'attachment';
const maxNameLength = 255;

// C0/C1 controls, and the bidirectional overrides that make "invoice‮fdp.exe" look like a PDF
// eslint-disable-next-line no-control-regex
const unsafeCharacters = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const pathSeparators = /[/\\]/g;
// one to eight letters or digits after the last dot, at least one of them a letter ("v1.2" has none)
const extensionPattern = /\.(?=[a-z0-9]{0,7}[a-z])[a-z0-9]{1,8}$/i;

/**
 * Makes a title usable as a file name: path separators become `_`, control and bidi-override
 * characters go, surrounding spaces and dots are trimmed, and an empty result becomes `attachment`.
 *
 * @example sanitizeFileName('../../etc/passwd') // '_.._etc_passwd'
 */
export function sanitizeFileName(title: string): string {
  const cleaned = title
    .replace(unsafeCharacters, '')
    .replace(pathSeparators, '_')
    .trim()
    // leading dots hide the file on Unix and ".." means the parent folder; trailing dots vanish on Windows
    .replace(/^\.+|\.+$/g, '')
    .trim();
  if (cleaned === '') return fallbackName;
  return truncate(cleaned, maxNameLength);
}

/** @example hasFileExtension('Invoice.pdf') // true; hasFileExtension('Report v1.2') // false */
export function hasFileExtension(name: string): boolean {
  return extensionPattern.test(name);
}

/**
 * The file name for an attachment: its sanitised title, plus the detected extension when the
 * title has none. A title with its own extension keeps it even when the bytes say otherwise:
 * the designer named the file.
 *
 * @example fileNameFor('Invoice', 'pdf') // 'Invoice.pdf'
 * @example fileNameFor('scan.jpeg', 'png') // 'scan.jpeg'
 */
export function fileNameFor(title: string, extension?: string): string {
  const name = sanitizeFileName(title);
  if (extension === undefined || extension === '' || hasFileExtension(name)) return name;
  const suffix = `.${extension}`;
  return `${truncate(name, maxNameLength - suffix.length)}${suffix}`;
}

function truncate(text: string, length: number): string {
  const characters = Array.from(text);
  return characters.length <= length ? text : characters.slice(0, length).join('');
}
