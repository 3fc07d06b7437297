/** The Bedrock Runtime commands recorded, by the name of their exported class. */
export type CommandName = 'ConverseCommand' | 'ConverseStreamCommand' | 'InvokeModelCommand' | 'InvokeModelWithResponseStreamCommand';

/** What one recorded command is. */
export interface CommandKind {
  readonly name: CommandName;
  readonly stream: boolean;
  readonly converse: boolean;
}

/** The slice of an AWS SDK command the wrapper reads. */
export interface CommandLike {
  readonly input?: { readonly modelId?: unknown; readonly body?: unknown };
}

export type SendMethod = (this: unknown, ...args: unknown[]) => unknown;
