/**
 * cfn-lint's `--format json` output: one array of findings. Parsed defensively, because a shape we
 * do not understand must fail loudly instead of silently dropping findings.
 */

export interface CfnLintPosition {
  LineNumber: number;
  ColumnNumber: number;
}

/** One element of cfn-lint's JSON output (the fields packsmith uses). */
export interface CfnLintFinding {
  /** The file as cfn-lint printed it (relative or absolute); null for problems tied to no template. */
  Filename: string | null;
  /** `Error`, `Warning` or `Informational`. */
  Level: string;
  Location: {
    Start: CfnLintPosition;
    End?: CfnLintPosition;
    /** Path in the template, e.g. `['Resources', 'MyRule', 'Properties', 'Bogus']`. */
    Path: Array<string | number> | null;
  };
  Message: string;
  Rule: {
    Id: string;
    ShortDescription?: string;
    Description?: string;
    Source?: string;
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function position(v: unknown): CfnLintPosition | undefined {
  if (!isObject(v)) return undefined;
  const { LineNumber, ColumnNumber } = v;
  if (typeof LineNumber !== 'number' || typeof ColumnNumber !== 'number') return undefined;
  return { LineNumber, ColumnNumber };
}

const optionalString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** One finding, or a description of what is wrong with it. */
function finding(v: unknown): CfnLintFinding | string {
  if (!isObject(v)) return 'not an object';
  const { Filename, Level, Location, Message, Rule } = v;
  if (Filename !== null && typeof Filename !== 'string') return 'Filename is neither a string nor null';
  if (typeof Level !== 'string') return 'Level is not a string';
  if (typeof Message !== 'string') return 'Message is not a string';
  if (!isObject(Rule) || typeof Rule.Id !== 'string') return 'Rule.Id is missing';
  if (!isObject(Location)) return 'Location is missing';
  const start = position(Location.Start);
  if (!start) return 'Location.Start is missing';
  const end = position(Location.End);
  const path = Array.isArray(Location.Path)
    ? Location.Path.filter((p): p is string | number => typeof p === 'string' || typeof p === 'number')
    : null;
  const rule: CfnLintFinding['Rule'] = { Id: Rule.Id };
  const short = optionalString(Rule.ShortDescription);
  const description = optionalString(Rule.Description);
  const source = optionalString(Rule.Source);
  if (short !== undefined) rule.ShortDescription = short;
  if (description !== undefined) rule.Description = description;
  if (source !== undefined) rule.Source = source;
  return {
    Filename,
    Level,
    Location: end ? { Start: start, End: end, Path: path } : { Start: start, Path: path },
    Message,
    Rule: rule,
  };
}

/** Parses cfn-lint's JSON output; throws an Error saying what is wrong when it is not what we expect. */
export function parseCfnLintJson(stdout: string): CfnLintFinding[] {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch (error) {
    const head = stdout.trim().slice(0, 200);
    throw new Error(
      `cfn-lint's output is not JSON (${(error as Error).message})` +
        (head ? `; it starts with: ${JSON.stringify(head)}` : '; it printed nothing'),
    );
  }
  if (!Array.isArray(data)) throw new Error("cfn-lint's JSON output is not an array of findings");
  return data.map((item, index) => {
    const parsed = finding(item);
    if (typeof parsed === 'string') {
      throw new Error(`cfn-lint's JSON output has an unexpected finding at index ${index}: ${parsed}`);
    }
    return parsed;
  });
}
