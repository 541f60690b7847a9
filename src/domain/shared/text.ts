/**
 * Length in Unicode code points, as people (and MySQL's utf8mb4 columns, and JSON Schema's
 * minLength/maxLength) count characters: an emoji is one, not the two UTF-16 units of `.length`.
 */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
