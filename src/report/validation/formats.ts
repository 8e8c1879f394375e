/** The report formats of `packsmith validate --format` (a module of its own: the CLI declares them without loading a formatter). */
export const validateFormats = ['text', 'json', 'sarif', 'junit', 'github', 'markdown'] as const;
export type ValidateFormat = (typeof validateFormats)[number];
