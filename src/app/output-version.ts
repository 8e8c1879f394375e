/** Version of every `--format json` document; bumped on a breaking change to any output schema. */
export const outputSchemaVersion = 1;
