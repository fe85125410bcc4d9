/**
 * What may import what (docs/architecture.md draws the same picture). Run by `npm run depcheck`,
 * part of `npm test`. Paths are globs over folders, so new files fall under the rules by place.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle (of values or of types) means two modules cannot be understood apart.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-imports-nothing',
      severity: 'error',
      comment: 'lib/domain is the vocabulary every other folder shares; it depends on no other project code.',
      from: { path: '^lib/domain/' },
      to: { path: '^(?!lib/domain/)(lib|functions|infra|cli|bench|scripts|test)/' },
    },
    {
      name: 'domain-has-no-dependencies',
      severity: 'error',
      comment: 'lib/domain uses node built-ins at most: no SDK, no framework.',
      from: { path: '^lib/domain/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'lib-knows-no-deployment',
      severity: 'error',
      comment:
        'lib/ is the application; functions/, infra/, the CLI and the tests use it, never the reverse.',
      from: { path: '^lib/' },
      to: { path: '^(functions|infra|cli|bench|scripts|test)/' },
    },
    {
      name: 'use-case-knows-only-ports',
      severity: 'error',
      comment:
        'The ingest use case (lib/pipeline) talks to the world through its ports; adapters, the composition root, config and SDKs stay outside.',
      from: { path: '^lib/pipeline/' },
      to: {
        path: '^(lib/(store|adapters|compose|config|http)/|node_modules/(@aws-sdk|@aws-lambda-powertools|@middy|openai)/)',
      },
    },
    {
      name: 'adapters-use-ports-not-use-cases',
      severity: 'error',
      comment: 'An adapter implements a port; it never calls the use case that owns the port.',
      from: { path: '^lib/(store|adapters)/' },
      to: { path: '^lib/(pipeline/(?!ports\\.ts$)|compose/)' },
    },
    {
      name: 'summariser-knows-no-storage',
      severity: 'error',
      comment: 'Summarising is given text and a notes cache; where records live is none of its business.',
      from: { path: '^lib/(summarise|text)/' },
      to: { path: '^lib/(store|pipeline|adapters|compose|http)/' },
    },
    {
      name: 'text-stages-stay-pure',
      severity: 'error',
      comment: 'The text stages turn bytes into text: no summariser, no store, no AWS.',
      from: { path: '^lib/text/' },
      to: { path: '^(lib/summarise/|node_modules/(@aws-sdk|openai)/)' },
    },
    {
      name: 'only-the-composition-root-wires',
      severity: 'error',
      comment:
        'lib/compose builds the use case from adapters; nothing in lib/ but functions/ and local tooling calls it.',
      from: { path: '^lib/(?!compose/)' },
      to: { path: '^lib/compose/' },
    },
    {
      name: 'handlers-are-thin',
      severity: 'error',
      comment:
        'functions/*/handler.ts only builds the app from its deps; all logic lives in app.ts, deps.ts and lib/.',
      from: { path: '^functions/([^/]+)/handler\\.ts$' },
      to: { pathNot: ['^functions/$1/(app|deps)\\.ts$'] },
    },
    {
      name: 'functions-stay-apart',
      severity: 'error',
      comment: 'Each function is its own bundle: one never imports another.',
      from: { path: '^functions/([^/]+)/' },
      to: { path: '^functions/', pathNot: '^functions/$1/' },
    },
    {
      name: 'api-is-read-only',
      severity: 'error',
      comment:
        'The api function reads records; claims, content leases, the use case and the summariser never ship in its bundle.',
      from: { path: '^functions/api/' },
      to: {
        reachable: true,
        path: '^lib/(store/(records|content-leases|ingest-store|chunk-notes|claim-rules)\\.ts$|pipeline/|compose/|summarise/|adapters/)',
      },
    },
    {
      name: 'no-unresolvable-imports',
      severity: 'error',
      comment: 'aws-lambda is a types-only package (@types/aws-lambda): nothing to resolve at run time.',
      from: {},
      to: { couldNotResolve: true, pathNot: '^aws-lambda$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(cdk\\.out|\\.khulasa)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
