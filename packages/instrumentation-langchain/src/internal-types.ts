/** LangChain's serialized runnable, as given to callbacks (the fields read). */
export interface SerializedLike {
  readonly id?: readonly string[];
  readonly name?: string;
}

/** One LangChain run agentmeter follows (chain, tool or model), by run id. */
export interface RunState {
  readonly kind: 'chain' | 'tool' | 'llm';
  readonly parent: RunState | undefined;
  readonly start: number;
  /** Chains: this run is an agent run (recorded as gen_ai.invoke_agent.*). */
  agent: boolean;
  /** Agent runs detected from the graph shape only: recorded when they made a model call. */
  candidate: boolean;
  /** Agent runs: gen_ai.agent.name; tools: gen_ai.tool.name. */
  name: string | undefined;
  /** lc_agent_name metadata in force (inherited by nested runs). */
  readonly lcAgentName: string | undefined;
  inferenceCalls: number;
  toolCalls: number;
  /** Model runs. */
  provider: string;
  requestModel: string | undefined;
  covered: boolean;
  firstToken: number | undefined;
}
