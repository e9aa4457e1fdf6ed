#!/usr/bin/env node
// Draws the extension's toolbar icons (a white arrow on the demo's blue,
// rounded square) and writes them as PNG files, with a tiny PNG
// encoder (RGBA, one zlib stream, CRC-32): no image library needed.
//   node examples/crm-extension/icons/make-icons.mjs          writes icon-16/32/48/128.png here
//   node examples/crm-extension/icons/make-icons.mjs --check  exits 1 when a committed file differs
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

export const SIZES = [16, 32, 48, 128];
const here = dirname(fileURLToPath(import.meta.url));

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
/** RGBA pixels (size*size*4 bytes) -> PNG file bytes. */
export function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    rows[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Coverage of a shape at pixel (x, y), 4x4 supersampled. `inside(u, v)` takes 0..1 coordinates. */
function coverage(size, x, y, inside) {
  let hits = 0;
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      if (inside((x + (i + 0.5) / 4) / size, (y + (j + 0.5) / 4) / size)) hits++;
    }
  }
  return hits / 16;
}

const BLUE = [0x0b, 0x5c, 0xad];
const WHITE = [0xff, 0xff, 0xff];
// Rounded square background.
const background = (u, v) => {
  const r = 0.2;
  const dx = Math.max(r - u, u - (1 - r), 0);
  const dy = Math.max(r - v, v - (1 - r), 0);
  return dx * dx + dy * dy <= r * r;
};
// A right-pointing arrow: shaft and head.
const arrow = (u, v) => {
  const shaft = u >= 0.2 && u <= 0.56 && Math.abs(v - 0.5) <= 0.09;
  const head = u >= 0.52 && u <= 0.82 && Math.abs(v - 0.5) <= (0.82 - u) * 0.95;
  return shaft || head;
};

export function drawIcon(size) {
  const rgba = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const bg = coverage(size, x, y, background);
      const fg = coverage(size, x, y, (u, v) => background(u, v) && arrow(u, v));
      const at = (y * size + x) * 4;
      const mix = bg === 0 ? 0 : fg / bg;
      for (let c = 0; c < 3; c++) rgba[at + c] = Math.round(BLUE[c] * (1 - mix) + WHITE[c] * mix);
      rgba[at + 3] = Math.round(bg * 255);
    }
  }
  return encodePng(size, rgba);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let differs = 0;
  for (const size of SIZES) {
    const file = join(here, `icon-${size}.png`);
    const png = drawIcon(size);
    if (check) {
      let old = null;
      try {
        old = readFileSync(file);
      } catch {
        // missing counts as different
      }
      if (!old || !old.equals(png)) {
        console.error(`${file} differs from what make-icons.mjs draws: run it again`);
        differs++;
      }
    } else {
      writeFileSync(file, png);
      console.log(`wrote ${file} (${png.length} bytes)`);
    }
  }
  process.exit(differs === 0 ? 0 : 1);
}
