import { AwsJsonClient } from './aws-json';

/**
 * What the bundles get for `@aws-sdk/client-eventbridge` (functions/catalog.ts bundleAliases):
 * PutEvents over the lean client (awsJson1_1). https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 */
export class PutEventsCommand {
  readonly operation = 'PutEvents';
  constructor(readonly input: { Entries: Array<Record<string, unknown>> }) {}
}

export class EventBridgeClient extends AwsJsonClient {
  constructor(_config: Record<string, never> = {}) {
    super({ signingName: 'events', endpointPrefix: 'events', targetPrefix: 'AWSEvents', jsonVersion: '1.1', endpointEnvId: 'EVENTBRIDGE' });
  }

  send(command: PutEventsCommand): Promise<{ FailedEntryCount?: number; Entries?: Array<{ EventId?: string; ErrorCode?: string; ErrorMessage?: string }> }> {
    return this.call(command.operation, command.input);
  }
}
