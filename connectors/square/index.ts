import { defineConnector } from '../connector';
import { createSquareClient } from './client';
import { squareManifest } from './manifest';
import { createSquareReader } from './reader';
import { parse, verify } from './webhook';

/** Square: customer.* webhooks in (they carry the whole customer), the Customers API out, over the square SDK (Square-Version 2026-09-16). */
export const square = defineConnector({
  manifest: squareManifest,
  webhook: { verify, parse },
  createClient: createSquareClient,
  createReader: createSquareReader,
});
