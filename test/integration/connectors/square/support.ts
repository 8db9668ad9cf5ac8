import { startWebhookReceiver } from '../../../support/webhook-receiver';

export const TOKEN = 'EAAAl-sandbox-test-token';
export const SIGNATURE_KEY = 'test-signature-key';

/** A stand-in for the hub's receiver at /webhooks/square, answering with the statuses given in turn (then 200). */
export const startReceiver = (statuses: number[] = []) => startWebhookReceiver({ connector: 'square', statuses });

export { capturingLog, type CapturedLog } from '../../../support/capturing-log';

export async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}
