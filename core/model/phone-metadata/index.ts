import { brotliDecompressSync } from 'node:zlib';
import type { MetadataJson } from 'libphonenumber-js/core';
import { LEAN_METADATA_BROTLI_BASE64 } from './data';

/** Every country's phone metadata, without number formats (see lean.ts), decoded once per process. */
export const phoneMetadata = JSON.parse(brotliDecompressSync(Buffer.from(LEAN_METADATA_BROTLI_BASE64, 'base64')).toString('utf8')) as MetadataJson;
