/**
 * The reader's sentence for each record error code: what happened, in words a reader of the page
 * understands, and what to do about it. `run` names the CLI command that re-runs the article:
 * `redrive` for failures the queue dead-letters (they may pass once the cause is fixed),
 * `reprocess` for ones that end the record at once. Kept as data the page script embeds.
 */
interface FailureHelp {
  what: string;
  todo: string;
  run: 'redrive' | 'reprocess' | null;
}

export const FAILURE_HELP: Readonly<Record<string, FailureHelp>> = {
  empty: {
    what: 'The uploaded file is empty.',
    todo: 'Upload the article again with its text.',
    run: null,
  },
  too_large: {
    what: 'The file is larger than khulasa accepts (MAX_ARTICLE_BYTES).',
    todo: 'Upload a smaller file, or raise the limit and re-run it:',
    run: 'reprocess',
  },
  too_long: {
    what: "The article's text is longer than khulasa accepts (MAX_TEXT_CHARS).",
    todo: 'Split the article, or raise the limit and re-run it:',
    run: 'reprocess',
  },
  unsupported_type: {
    what: 'khulasa cannot read this kind of file.',
    todo: 'Upload it as plain text, HTML, Markdown, PDF or Word (.docx).',
    run: null,
  },
  undecodable: {
    what: "The file's text encoding could not be recognised.",
    todo: 'Save it as UTF-8 and upload it again.',
    run: null,
  },
  no_text: {
    what: 'No article text was found in the file (an image-only PDF or an empty page?).',
    todo: 'Upload a version whose text can be selected.',
    run: null,
  },
  too_complex: {
    what: 'The web page has too many elements to find an article in.',
    todo: 'Save the article itself (or its text) and upload that instead.',
    run: null,
  },
  source_missing: {
    what: 'The file was deleted from the bucket before it could be read.',
    todo: 'Upload it again if it should still be summarised.',
    run: null,
  },
  source_changed: {
    what: 'The file was replaced while it was being read.',
    todo: 'The newer version is summarised on its own; nothing to do unless that one fails too.',
    run: null,
  },
  llm_not_configured: {
    what: 'No LLM is configured: the API key is missing or could not be read.',
    todo: 'Set OPENAI_API_KEY (or LLM_PROVIDER=extractive for the offline summariser), then redrive:',
    run: 'redrive',
  },
  llm_failed: {
    what: 'The LLM could not be reached, or kept failing.',
    todo: 'Check the key, the model name and the service, then redrive:',
    run: 'redrive',
  },
  llm_refused: {
    what: 'The LLM refused to summarise this article.',
    todo: 'Re-run it, with another model if it refuses again:',
    run: 'reprocess',
  },
  llm_truncated: {
    what: "The LLM's answer was cut off before it was complete.",
    todo: 'Re-run it, with a model that allows longer answers if it happens again:',
    run: 'reprocess',
  },
  llm_invalid_output: {
    what: 'The LLM answered with something that is not a valid summary.',
    todo: 'Re-run it, or switch to another model first:',
    run: 'reprocess',
  },
  summary_too_large: {
    what: 'The summary came out too large to store (over the 400 KB a record can hold).',
    todo: 'Re-run it, or switch to another model first:',
    run: 'reprocess',
  },
  internal: {
    what: 'khulasa failed unexpectedly while processing this article.',
    todo: 'Check the ingest logs for the cause, then redrive:',
    run: 'redrive',
  },
};
