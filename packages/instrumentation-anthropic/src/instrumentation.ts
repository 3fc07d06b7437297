import { GenAiClientInstrumentation, type ClientMethod, type GenAiClientSpec } from '@agentmeter/instrumentation-genai-client';
import { anthropicAdapter } from '@agentmeter/llm';
import { GEN_AI_PROVIDER_NAME_VALUES } from '@agentmeter/semconv';
import type { AnthropicInstrumentationConfig } from './types';
import type { PatchTarget } from './internal-types';
import { MODULE_NAME, PATCH_TARGETS, SUPPORTED_VERSIONS } from './semconv';

import { PACKAGE_NAME, PACKAGE_VERSION } from './version';
export { PACKAGE_NAME, PACKAGE_VERSION };

/** Own property of a patched prototype holding the original methods (the once-only guard). */
export const PATCHED = Symbol.for('agentmeter.instrumentation-anthropic.patched');

const SPEC: GenAiClientSpec<PatchTarget> = {
  moduleName: MODULE_NAME,
  supportedVersions: SUPPORTED_VERSIONS[0]!,
  exportName: 'Anthropic',
  marker: 'Messages',
  targets: PATCH_TARGETS,
  guard: PATCHED,
  wrapperName: 'agentmeterAnthropic',
  label: 'anthropic',
  adapter: anthropicAdapter,
};

/**
 * Zero-code metrics for the `@anthropic-ai/sdk` client (CommonJS and ESM builds, each
 * patched once): messages.create (incl. `stream: true`), messages.stream() (recorded once,
 * through the create call it makes), beta.messages.create / stream, and the legacy
 * completions.create. Cache read / write tokens are normalised into input tokens. The
 * client's `APIPromise` / `Stream` / `MessageStream` objects are returned as they are.
 *
 * The Anthropic SDK's own OpenTelemetry spans of calls recorded here are marked so that
 * `GenAiSpanMetricsProcessor` does not count them again.
 */
export class AnthropicInstrumentation extends GenAiClientInstrumentation<PatchTarget, AnthropicInstrumentationConfig> {
  constructor(config: AnthropicInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected spec(): GenAiClientSpec<PatchTarget> {
    return SPEC;
  }

  protected provider(): string {
    return GEN_AI_PROVIDER_NAME_VALUES.ANTHROPIC;
  }

  /** `mark` targets (helpers such as `messages.stream()` that call the patched `create`) are only marked, so the call is recorded once. */
  protected override wrap(original: ClientMethod, target: PatchTarget): ClientMethod {
    return target.mode === 'record' ? super.wrap(original, target) : this.wrapMarkOnly(original);
  }
}
