/* global document */
// Icons drawn as inline SVG in the text's colour: they need no emoji font, which many Linux
// desktops and servers lack (an emoji there is an empty box).

const shapes = {
  image: [['path', 'M4 8h3l2-3h6l2 3h3v11H4z'], ['circle', 12, 13, 3.5]],
  video: [['rect', 3, 6, 13, 12, 2], ['path', 'M16 10.5l5-3v9l-5-3']],
  audio: [['path', 'M9 18V5l11-2v13'], ['circle', 6, 18, 3], ['circle', 17, 16, 3]],
  document: [['path', 'M6 3h8l5 5v13H6z'], ['path', 'M14 3v5h5']],
  attachment: [['path', 'M20 11.5l-8 8a5 5 0 01-7-7l8.5-8.5a3.5 3.5 0 015 5L10 17.5a2 2 0 01-3-3L14.5 7']],
  location: [['path', 'M12 21s-7-6.2-7-11.5a7 7 0 0114 0C19 14.8 12 21 12 21z'], ['circle', 12, 9.5, 2.5]],
  contact: [['circle', 12, 8, 4], ['path', 'M4 21a8 8 0 0116 0']],
  deleted: [['circle', 12, 12, 9], ['path', 'M5.6 5.6l12.8 12.8']],
  forwarded: [['path', 'M14 5l7 7-7 7'], ['path', 'M21 12H10a6 6 0 00-6 6v1']],
  pending: [['circle', 12, 12, 8], ['path', 'M12 8v4l2.5 2']],
  sent: [['path', 'M4 12.5l4.5 4.5L19 6.5']],
  delivered: [['path', 'M2 12.5l4.5 4.5L17 6.5'], ['path', 'M10 16l1 1L21.5 6.5']],
  back: [['path', 'M15 5l-7 7 7 7']],
};
shapes.read = shapes.delivered;

const svgNs = 'http://www.w3.org/2000/svg';

/**
 * An inline SVG icon, hidden from screen readers (the text beside it says the same).
 *
 * @example el('span', {}, icon('image'), 'photo.jpg')
 */
export function icon(name, className = 'icon') {
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', className);
  svg.setAttribute('aria-hidden', 'true');
  for (const [tag, ...values] of shapes[name] ?? shapes.attachment) svg.append(shape(tag, values));
  return svg;
}

function shape(tag, values) {
  const node = document.createElementNS(svgNs, tag);
  const names = { path: ['d'], circle: ['cx', 'cy', 'r'], rect: ['x', 'y', 'width', 'height', 'rx'] }[tag];
  names.forEach((name, index) => node.setAttribute(name, String(values[index])));
  return node;
}
