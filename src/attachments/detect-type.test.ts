import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectType, isUtf8Text, mediaKindOf } from './detect-type.js';
import { sampleBinary, sampleGif, sampleJpeg, sampleMp4, sampleOggOpus, samplePdf, samplePng, sampleText } from './test-support.js';

describe('detectType', () => {
  it('recognises images, video, audio and PDF from their bytes', async () => {
    assert.deepEqual(await detectType(samplePng()), { mimeType: 'image/png', extension: 'png', kind: 'image' });
    assert.deepEqual(await detectType(sampleJpeg()), { mimeType: 'image/jpeg', extension: 'jpg', kind: 'image' });
    assert.deepEqual(await detectType(sampleMp4()), { mimeType: 'video/mp4', extension: 'mp4', kind: 'video' });
    assert.deepEqual(await detectType(sampleOggOpus()), { mimeType: 'audio/ogg; codecs=opus', extension: 'opus', kind: 'audio' });
    assert.deepEqual(await detectType(samplePdf()), { mimeType: 'application/pdf', extension: 'pdf', kind: 'document' });
  });

  it('sends a GIF as a document, since WhatsApp only animates GIFs converted to video', async () => {
    assert.deepEqual(await detectType(sampleGif()), { mimeType: 'image/gif', extension: 'gif', kind: 'document' });
  });

  it('calls UTF-8 text text/plain and anything else application/octet-stream', async () => {
    assert.deepEqual(await detectType(sampleText()), { mimeType: 'text/plain', extension: 'txt', kind: 'document' });
    assert.deepEqual(await detectType(sampleBinary()), { mimeType: 'application/octet-stream', kind: 'document' });
    assert.deepEqual(await detectType(Buffer.alloc(0)), { mimeType: 'application/octet-stream', kind: 'document' });
  });
});

describe('mediaKindOf', () => {
  it('maps the formats WhatsApp plays inline and sends the rest as documents', () => {
    assert.equal(mediaKindOf('image/webp'), 'image');
    assert.equal(mediaKindOf('video/3gpp'), 'video');
    assert.equal(mediaKindOf('audio/mpeg'), 'audio');
    assert.equal(mediaKindOf('audio/mp4'), 'audio');
    assert.equal(mediaKindOf('audio/aac'), 'audio');
    assert.equal(mediaKindOf('audio/amr'), 'audio');
    assert.equal(mediaKindOf('audio/ogg'), 'document'); // Vorbis: not WhatsApp audio
    assert.equal(mediaKindOf('video/quicktime'), 'document');
    assert.equal(mediaKindOf('image/heic'), 'document');
    assert.equal(mediaKindOf('application/zip'), 'document');
  });
});

describe('isUtf8Text', () => {
  it('rejects invalid UTF-8 and binary control characters', () => {
    assert.equal(isUtf8Text(Buffer.from('plain\ttext\r\n')), true);
    assert.equal(isUtf8Text(Buffer.from([0xc3, 0x28])), false);
    assert.equal(isUtf8Text(Buffer.from('a\u0000b')), false);
  });
});
