// Draws src/platform/favicon.ico: a white five-pointed star on a blue rounded square (the review
// page's default primary colour), at 16, 32 and 48 px, each a PNG inside one ICO file (which every
// current browser reads). Run it again only to change the icon: node scripts/make-favicon.mjs
import fs from 'node:fs';
import { PNG } from 'pngjs';

const BLUE = [0x1f, 0x6f, 0xeb];
const WHITE = [255, 255, 255];
const SAMPLES = 4; // per axis: 16 samples per pixel for smooth edges

const star = Array.from({ length: 10 }, (_, i) => {
  const r = i % 2 === 0 ? 0.36 : 0.15;
  const a = -Math.PI / 2 + (i * Math.PI) / 5;
  return [0.5 + r * Math.cos(a), 0.535 + r * Math.sin(a)];
});

function inPolygon(x, y, poly) {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inRoundedSquare(x, y, radius = 0.2) {
  const cx = Math.min(Math.max(x, radius), 1 - radius);
  const cy = Math.min(Math.max(y, radius), 1 - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

function draw(size) {
  const png = new PNG({ width: size, height: size });
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let cover = 0;
      let white = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = (px + (sx + 0.5) / SAMPLES) / size;
          const y = (py + (sy + 0.5) / SAMPLES) / size;
          if (!inRoundedSquare(x, y)) continue;
          cover++;
          if (inPolygon(x, y, star)) white++;
        }
      }
      const i = (py * size + px) * 4;
      const w = cover ? white / cover : 0;
      for (let c = 0; c < 3; c++) png.data[i + c] = Math.round(BLUE[c] * (1 - w) + WHITE[c] * w);
      png.data[i + 3] = Math.round((255 * cover) / (SAMPLES * SAMPLES));
    }
  }
  return PNG.sync.write(png);
}

const sizes = [16, 32, 48];
const images = sizes.map(draw);
const header = Buffer.alloc(6 + 16 * sizes.length);
header.writeUInt16LE(0, 0);
header.writeUInt16LE(1, 2); // 1 = icon
header.writeUInt16LE(sizes.length, 4);
let offset = header.length;
sizes.forEach((size, n) => {
  const e = 6 + 16 * n;
  header.writeUInt8(size, e);
  header.writeUInt8(size, e + 1);
  header.writeUInt16LE(1, e + 4); // colour planes
  header.writeUInt16LE(32, e + 6); // bits per pixel
  header.writeUInt32LE(images[n].length, e + 8);
  header.writeUInt32LE(offset, e + 12);
  offset += images[n].length;
});
const out = new URL('../src/platform/favicon.ico', import.meta.url);
fs.writeFileSync(out, Buffer.concat([header, ...images]));
console.log(`wrote ${out.pathname} (${offset} bytes)`);
