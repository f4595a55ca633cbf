/**
 * The check behind public-methods.test.ts: which public methods of a class no test names. Pure, so
 * that the check itself is tested.
 */

/** The public methods and accessors a class's prototype has (`#private` members are not there). */
export function publicMembers(prototype: object): string[] {
  return Object.getOwnPropertyNames(prototype)
    .filter((name) => name !== 'constructor' && !name.startsWith('_'))
    .sort();
}

/** Whether a source file defines tests (`it(`, `test(`, `it.each(...)(` and the like). */
export function definesTests(source: string): boolean {
  return /(?<![.\w])(?:it|test)(?:\.\w+)*(?:\([^)]*\))?\s*\(/.test(source);
}

/**
 * The members that no test names. A member counts as tested when a file that defines tests uses it
 * (`x.name`, `name(`) or a test's title names it as a word.
 */
export function untestedMembers(
  members: readonly string[],
  testSources: readonly string[],
): string[] {
  const files = testSources.filter(definesTests);
  const titles = files.flatMap((source) =>
    [...source.matchAll(/(?<![.\w])(?:it|test)(?:\.\w+)*\(\s*(`[^`]*`|'[^']*'|"[^"]*")/g)].map(
      (match) => match[1] ?? '',
    ),
  );
  return members.filter((name) => {
    const word = new RegExp(`\\b${name}\\b`);
    const use = new RegExp(`\\.${name}\\b|(?<![\\w.])${name}\\s*(?:<[^>]*>)?\\(`);
    return !files.some((source) => use.test(source)) && !titles.some((title) => word.test(title));
  });
}
