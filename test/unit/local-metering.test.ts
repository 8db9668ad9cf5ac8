import { describe, expect, it } from 'vitest';
import { putEventsEntrySize } from '../../local/aws-endpoints';
import { sqsChunks } from '../../local/local-queue';

describe('what the local runtime meters as AWS bills it', () => {
  it('sizes a PutEvents entry as EventBridge does: Time 14 bytes, UTF-8 bytes of Source, DetailType, Detail and each resource', () => {
    // Act
    const plain = putEventsEntrySize({ Source: 'omnihub', DetailType: 'CustomerObserved', Detail: '{"a":"é"}' });
    const full = putEventsEntrySize({ Time: new Date(), Source: 'omnihub', DetailType: 'X', Detail: '{}', Resources: ['arn:a', 'arn:bb'] });
    // Assess: "é" is 2 bytes in UTF-8
    expect(plain).toBe(7 + 16 + 10);
    expect(full).toBe(14 + 7 + 1 + 2 + 5 + 6);
  });

  it('counts an SQS payload as one request per started 64 KB', () => {
    expect([sqsChunks(0), sqsChunks(1), sqsChunks(64 * 1024), sqsChunks(64 * 1024 + 1), sqsChunks(256 * 1024)]).toEqual([1, 1, 1, 2, 4]);
  });
});
