import { describe, expect, it } from 'vitest';
import { asLogSink, createLogger, withLogKeys } from '../../../functions/lib/logger';

function capture(env: NodeJS.ProcessEnv = {}) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger('webhook-receiver', { env, write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

describe('the functions’ logger', () => {
  it('writes one JSON line with the envelope Powertools writes, then the keys, redacted', () => {
    // Prepare
    const { logger, lines } = capture();
    logger.appendKeys({ awsRequestId: 'r-1', connector: 'shopify' });
    // Act
    logger.warn('webhook rejected for ada@example.com', { reason: 'bad signature', phone: '+1 212 555 0101', token: 'shpat_123', error: new Error('from +12125550101') });
    // Assess
    expect(lines).toHaveLength(1);
    expect(Object.keys(lines[0]!).slice(0, 4)).toEqual(['level', 'message', 'timestamp', 'service']);
    expect(lines[0]).toMatchObject({
      level: 'WARN',
      message: 'webhook rejected for [email]',
      service: 'webhook-receiver',
      awsRequestId: 'r-1',
      connector: 'shopify',
      reason: 'bad signature',
      phone: '[phone]',
      token: '[redacted]',
      error: { name: 'Error', message: 'from [phone]' },
    });
    expect(lines[0]!.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('drops lines below POWERTOOLS_LOG_LEVEL, or below Lambda’s AWS_LAMBDA_LOG_LEVEL when that is stricter', () => {
    const warnOnly = capture({ POWERTOOLS_LOG_LEVEL: 'WARN' });
    const lambdaStricter = capture({ POWERTOOLS_LOG_LEVEL: 'DEBUG', AWS_LAMBDA_LOG_LEVEL: 'ERROR' });
    const byDefault = capture();
    for (const { logger } of [warnOnly, lambdaStricter, byDefault]) {
      logger.debug('d');
      logger.info('i');
      logger.warn('w');
      logger.error('e');
    }
    expect(warnOnly.lines.map((l) => l.level)).toEqual(['WARN', 'ERROR']);
    expect(lambdaStricter.lines.map((l) => l.level)).toEqual(['ERROR']);
    expect(byDefault.lines.map((l) => l.level)).toEqual(['INFO', 'WARN', 'ERROR']);
  });

  it('forgets the keys at resetKeys, and adds the keys of the work in hand to a sink’s lines', async () => {
    const { logger, lines } = capture();
    logger.appendKeys({ awsRequestId: 'r-1' });
    logger.resetKeys();
    await withLogKeys({ correlationId: 'c-9', customerId: 'oh_1' }, async () => asLogSink(logger).info('Shopify customer updated', { externalId: '7065055069303700001' }));
    expect(lines[0]).not.toHaveProperty('awsRequestId');
    expect(lines[0]).toMatchObject({ correlationId: 'c-9', customerId: 'oh_1', externalId: '7065055069303700001' });
  });
});
