/** True when a conditional write was refused because its condition did not hold. */
export const isConditionalCheckFailed = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/**
 * A `SET` update expression over plain attribute names, with every name and value behind a
 * placeholder (so reserved words such as `status`, `comment` or `type` need no care).
 */
export const setExpression = (
  fields: Record<string, unknown>,
): { expression: string; names: Record<string, string>; values: Record<string, unknown> } => {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const assignments = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([name, value], index) => {
      names[`#f${index}`] = name;
      values[`:f${index}`] = value;
      return `#f${index} = :f${index}`;
    });
  return { expression: `SET ${assignments.join(', ')}`, names, values };
};
