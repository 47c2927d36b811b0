import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileNameFor, hasFileExtension, sanitizeFileName } from './file-name.js';

describe('fileNameFor', () => {
  it('adds the detected extension to a title without one', () => {
    assert.equal(fileNameFor('Invoice', 'pdf'), 'Invoice.pdf');
    assert.equal(fileNameFor('Report v1.2', 'pdf'), 'Report v1.2.pdf');
    assert.equal(fileNameFor('Notes', undefined), 'Notes');
  });

  it('keeps the extension the title already has', () => {
    assert.equal(fileNameFor('Invoice.pdf', 'pdf'), 'Invoice.pdf');
    assert.equal(fileNameFor('scan.jpeg', 'png'), 'scan.jpeg');
    assert.equal(fileNameFor('clip.3gp', 'mp4'), 'clip.3gp');
  });
});

describe('sanitizeFileName', () => {
  it('turns path separators into underscores and drops leading dots', () => {
    assert.equal(sanitizeFileName('../../etc/passwd'), '_.._etc_passwd');
    assert.equal(sanitizeFileName('C:\\Users\\me\\report.pdf'), 'C:_Users_me_report.pdf');
    assert.equal(sanitizeFileName('..'), 'attachment');
  });

  it('removes control characters and bidi overrides', () => {
    assert.equal(sanitizeFileName('in\u0000voice\r\n.pdf'), 'invoice.pdf');
    assert.equal(sanitizeFileName('invoice\u202Efdp.exe'), 'invoicefdp.exe');
  });

  it('names an empty title "attachment" and shortens long ones to 255 characters', () => {
    assert.equal(sanitizeFileName('   '), 'attachment');
    assert.equal(sanitizeFileName('x'.repeat(300)).length, 255);
    assert.equal(fileNameFor('x'.repeat(300), 'pdf'), `${'x'.repeat(251)}.pdf`);
  });
});

describe('hasFileExtension', () => {
  it('needs a short run of letters or digits with a letter after the last dot', () => {
    assert.equal(hasFileExtension('a.mp3'), true);
    assert.equal(hasFileExtension('a.7z'), true);
    assert.equal(hasFileExtension('v1.2'), false);
    assert.equal(hasFileExtension('Mr. Smith'), false);
    assert.equal(hasFileExtension('archive.verylongext'), false);
  });
});
