#!/usr/bin/env node
// Writes packages/<name>/README.md (what the package is, install, one runnable example taken
// from its docs page, links) and copies the repository's LICENSE into every package, so
// that `npm pack` of each package is installable on its own. The example is the first
// ```mjs block of the package's docs page, which test/docs.test.mjs runs.
//   node scripts/gen-package-readmes.mjs [--check]
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const check = process.argv.includes('--check');
/** package dir -> docs page and extra install line */
const PAGES = {
  sdk: ['getting-started.md', '@agentmeter/sdk @opentelemetry/api'],
  core: ['architecture.md'],
  semconv: ['metrics.md'],
  api: ['architecture.md'],
  llm: ['llm.md'],
  speech: ['speech.md'],
  tools: ['tools.md'],
  cache: ['cache.md'],
  cost: ['cost.md'],
  health: ['health.md'],
  dashboards: ['dashboards.md'],
  'instrumentation-genai-client': ['architecture.md'],
  'instrumentation-openai': ['instrumentation-openai.md'],
  'instrumentation-anthropic': ['instrumentation-anthropic.md'],
  'instrumentation-ws': ['websocket.md'],
  'instrumentation-runtime': ['runtime.md'],
  'instrumentation-http': ['http.md'],
  'instrumentation-pg': ['postgres.md'],
  'instrumentation-google-genai': ['google-genai.md'],
  'instrumentation-aws-bedrock': ['bedrock.md'],
  'instrumentation-mcp': ['mcp.md'],
  'instrumentation-ai': ['frameworks.md'],
  'instrumentation-express': ['http.md'],
  'instrumentation-fastify': ['http.md'],
  'instrumentation-koa': ['http.md'],
  'instrumentation-hono': ['http.md'],
  'instrumentation-langchain': ['frameworks.md'],
  'instrumentation-openai-agents': ['frameworks.md'],
};
let stale = 0;
for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const pj = join(root, 'packages', dir, 'package.json');
  if (!existsSync(pj)) continue;
  const pkg = JSON.parse(readFileSync(pj, 'utf8'));
  if (pkg.private) continue;
  const [page, install] = PAGES[dir] ?? [`${dir}.md`];
  const docPath = join(root, 'docs', page);
  const doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '';
  const example = /```mjs\n([\s\S]*?)```/.exec(doc)?.[1];
  const ranges = pkg.agentmeter?.instruments;
  let text = `# ${pkg.name}\n\n${pkg.description ?? ''}\n\nPart of agentmeter: metrics for Node.js AI applications on OpenTelemetry, served to Prometheus.\n\n`;
  text += `## Install\n\n\`\`\`bash\nnpm install ${install ?? `${pkg.name} @opentelemetry/api`}\n\`\`\`\n\nNode.js ${pkg.engines?.node ?? '>=22.15'}; CommonJS and ES modules.`;
  if (ranges) text += ` Instruments ${Object.entries(ranges).map(([n, r]) => `\`${n}\` ${r}`).join(', ')}.`;
  text += '\n\n';
  if (example) text += `## Example\n\n\`\`\`js\n${example}\`\`\`\n\n`;
  text += `## Documentation\n\nIn the agentmeter repository: [docs/${page}](../../docs/${page}); every metric: [docs/metrics.md](../../docs/metrics.md).\n\n## License\n\nApache-2.0\n`;
  const out = join(root, 'packages', dir, 'README.md');
  const cur = existsSync(out) ? readFileSync(out, 'utf8') : '';
  const lic = join(root, 'packages', dir, 'LICENSE');
  const licOk = existsSync(lic) && readFileSync(lic, 'utf8') === readFileSync(join(root, 'LICENSE'), 'utf8');
  if (cur === text && licOk) continue;
  if (check) {
    console.error(`packages/${dir}: README.md or LICENSE out of date: run node scripts/gen-package-readmes.mjs`);
    stale++;
    continue;
  }
  writeFileSync(out, text);
  copyFileSync(join(root, 'LICENSE'), lic);
}
process.exit(stale ? 1 : 0);
