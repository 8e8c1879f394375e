/* global module */
/**
 * The layering of src/, checked by `npm run lint`: each folder is one stage of the data's way and
 * imports only folders of lower layers (or its own); no import cycles anywhere; only src/cli may
 * import src/cli. ARCHITECTURE.md draws the same layers.
 */
// Lowest first. Folders of one layer do not import each other.
const layers = [
  ['facts', 'util'],
  ['diagnostics'],
  ['checks'],
  ['source', 'catalog', 'aws'],
  ['authoring'],
  ['generator'],
  ['validation', 'import'],
  ['org', 'state'],
  ['rollout'],
  ['app'],
  ['report'],
  ['cli'],
];

const layerRules = layers.flatMap((folders, index) => {
  const forbidden = layers
    .flat()
    .filter((f) => !folders.includes(f) || folders.length > 1)
    .filter((f) => layers.findIndex((l) => l.includes(f)) >= index)
    .filter((f) => !(folders.length === 1 && f === folders[0]));
  return folders.map((folder) => ({
    name: `layer-${folder}`,
    comment: `src/${folder} is in layer ${index + 1}: it may import only lower layers (${
      layers.slice(0, index).flat().join(', ') || 'none'
    }) and itself`,
    severity: 'error',
    from: { path: `^src/${folder}/` },
    to: { path: `^src/(${forbidden.filter((f) => f !== folder).join('|')})/` },
  }));
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles: a module and what it imports never lead back to it.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'only-cli-imports-cli',
      comment: 'The CLI is the shell: nothing else imports it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'nothing-imports-the-api',
      comment: 'src/index.ts (the programmatic API) is a shell like the CLI: the core never imports it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/index\\.ts$' },
      to: { path: '^src/index\\.ts$' },
    },
    {
      name: 'sandbox-below-app',
      comment: 'The sandbox (rehearsal without AWS) uses the core up to the rollout stage, never the shell.',
      severity: 'error',
      from: { path: '^src/sandbox/' },
      to: { path: '^src/(app|report|cli)/' },
    },
    {
      name: 'src-not-to-scripts-or-tests',
      comment: 'Runtime code never imports build-time scripts, tests or benchmarks.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(scripts|test|bench)/' },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.generated\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
