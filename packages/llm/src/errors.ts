// classifyError lives in @agentmeter/api: one classifier for every signal.
export { classifyError } from '@agentmeter/api';
