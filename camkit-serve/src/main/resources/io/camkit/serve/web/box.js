// The library's box rule, in the browser (io.camkit.localize.ThresholdLocalizer + ConnectedComponents):
// keep the pixels whose normalised value is >= tau (the map's max is 1, so tau·max = tau), label the
// 8-connected components in raster order of their first pixel, take the largest (the first on a tie)
// and return its bounding box as [x, y, width, height] (COCO, half-open), or null when no pixel passes.
// Tested against the Java implementation at several tau by ServeBrowserTest.
"use strict";
const camkitBox = (() => {
  /** base64 of little-endian float32 → Float32Array (the API's "f32le-base64" map encoding). */
  function decode(base64) {
    const bin = atob(base64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const view = new DataView(bytes.buffer);
    const out = new Float32Array(bytes.length / 4);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
    return out;
  }

  /** The mask of pixels >= tau and, per pixel, its component label; plus the largest label and its box. */
  function localize(values, w, h, tau) {
    const n = w * h;
    const labels = new Int32Array(n);
    const stack = new Int32Array(n);
    let best = 0, bestSize = 0, next = 0;
    for (let start = 0; start < n; start++) {
      if (!(values[start] >= tau) || labels[start] !== 0) continue;
      next++;
      let top = 0, size = 0;
      stack[top++] = start;
      labels[start] = next;
      while (top > 0) {
        const p = stack[--top];
        size++;
        const px = p % w, py = (p - px) / w;
        for (let dy = -1; dy <= 1; dy++) {
          const y = py + dy;
          if (y < 0 || y >= h) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const x = px + dx;
            if (x < 0 || x >= w) continue;
            const q = y * w + x;
            if (values[q] >= tau && labels[q] === 0) {
              labels[q] = next;
              stack[top++] = q;
            }
          }
        }
      }
      if (size > bestSize) { best = next; bestSize = size; }
    }
    let x0 = w, y0 = h, x1 = -1, y1 = -1;
    if (best > 0) {
      for (let i = 0; i < n; i++) {
        if (labels[i] === best) {
          const x = i % w, y = (i - x) / w;
          if (x < x0) x0 = x;
          if (y < y0) y0 = y;
          if (x > x1) x1 = x;
          if (y > y1) y1 = y;
        }
      }
    }
    return { labels, largest: best, box: x1 < 0 ? null : [x0, y0, x1 + 1 - x0, y1 + 1 - y0] };
  }

  /** [x, y, w, h] of the largest 8-connected component of values >= tau, or null. */
  function boxAt(values, w, h, tau) {
    return localize(values, w, h, tau).box;
  }

  return { decode, localize, boxAt };
})();
