/**
 * Cheap checks made before any body is read, so the page pays nothing for traffic no parser wants:
 * static assets by URL, then (in the parsers) anything whose content type is not text a model API sends.
 */
const STATIC_ASSET = /\.(?:m?js|css|png|jpe?g|gif|svg|webp|avif|ico|woff2?|ttf|otf|map|wasm|mp4|webm|mp3)(?:[?#]|$)/i;

export function isWorthReading(url: string): boolean {
  return !STATIC_ASSET.test(url);
}
