import { loadIngestConfig } from '../lib/config/ingest.ts';
import type { ModelInfo, RecordStatus } from '../lib/domain/record.ts';
import { EXTRACTIVE_MODEL, EXTRACTIVE_VERSION } from '../lib/summarise/extractive.ts';
import { PROMPT_VERSION } from '../lib/summarise/prompt.ts';

/** What the ingest function would write into `record.model` today. */
export type CurrentModel = ModelInfo;

/**
 * The model the current configuration produces, resolved exactly as the ingest function resolves
 * it (`loadIngestConfig`). For the local stack that is the environment `npm start` sees (the same
 * shell's `LLM_PROVIDER`, `OPENAI_API_KEY`, `OPENAI_MODEL`). A deployed stack always runs
 * `LLM_PROVIDER=openai` with its `openAiModel` context, which the caller passes.
 */
export function currentModel(env: NodeJS.ProcessEnv, deployed?: { model: string }): CurrentModel {
  if (deployed) return { provider: 'openai', name: deployed.model, promptVersion: PROMPT_VERSION };
  // The table and receive count do not matter here; defaults keep the parse about the LLM only.
  const config = loadIngestConfig({ TABLE_NAME: 'summaries', MAX_RECEIVE_COUNT: '3', ...env });
  return config.llm.provider === 'extractive'
    ? { provider: 'extractive', name: EXTRACTIVE_MODEL, promptVersion: EXTRACTIVE_VERSION }
    : { provider: 'openai', name: config.llm.model, promptVersion: PROMPT_VERSION };
}

/**
 * A record is stale when a model produced it and today's configuration would produce something
 * else (another provider, model or prompt version). Records no model produced (bad input,
 * tombstones) and records in flight are not: re-running them would change nothing or race.
 */
export function isStale(record: { status: RecordStatus; model: ModelInfo | null }, current: CurrentModel) {
  if (record.status === 'deleted' || record.status === 'processing' || record.model === null) return false;
  const m = record.model;
  return (
    m.provider !== current.provider || m.name !== current.name || m.promptVersion !== current.promptVersion
  );
}
