/**
 * The repository configuration's file name, apart from its schema (config.ts, which loads ajv and
 * TypeBox): a command looks for the file first and loads the schema only when there is one.
 */
export const configFileName = 'packsmith.config.yaml';
