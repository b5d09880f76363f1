// @ts-check
/** Base64 for binary payloads (PCM audio, JPEG frames), without data: URLs. */

/**
 * Encodes bytes as base64.
 *
 * @param {ArrayBuffer | Uint8Array} data
 * @returns {string}
 */
export function toBase64(data) {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  let binary = '';
  const step = 0x8000; // String.fromCharCode takes its bytes as arguments: keep each call small.
  for (let i = 0; i < bytes.length; i += step) {
    binary += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(binary);
}

/**
 * Decodes base64 to bytes.
 *
 * @param {string} text
 * @returns {Uint8Array}
 */
export function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
