import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isShownPicture, maxPictureBytes, PictureShelf } from './pictures.js';

const png = (sha256: string) => ({ kind: 'image' as const, mimeType: 'image/png', sha256 });

test('only small raster images are kept to be shown; SVG, documents and large photos are described', () => {
  assert.equal(isShownPicture({ kind: 'image', mimeType: 'image/JPEG', size: 1000 }), true);
  assert.equal(isShownPicture({ kind: 'image', mimeType: 'image/svg+xml', size: 1000 }), false);
  assert.equal(isShownPicture({ kind: 'document', mimeType: 'image/png', size: 1000 }), false);
  assert.equal(isShownPicture({ kind: 'image', mimeType: 'image/png', size: maxPictureBytes + 1 }), false);
  const shelf = new PictureShelf();
  shelf.keep({ kind: 'image', mimeType: 'image/svg+xml', sha256: 'svg' }, new Uint8Array(10));
  assert.equal(shelf.get('svg'), undefined);
});

test('past its budget the shelf drops the pictures sent longest ago; one sent again counts as new', () => {
  const shelf = new PictureShelf(30);
  shelf.keep(png('a'), new Uint8Array(10));
  shelf.keep(png('b'), new Uint8Array(10));
  shelf.keep(png('c'), new Uint8Array(10));
  shelf.keep(png('a'), new Uint8Array(10));
  shelf.keep(png('d'), new Uint8Array(10));
  assert.deepEqual(['a', 'b', 'c', 'd'].map((sha) => shelf.get(sha) !== undefined), [true, false, true, true]);
  assert.equal(shelf.get('d')?.mimeType, 'image/png');
});
