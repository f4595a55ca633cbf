import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WorkflowEngine } from '../src/index.ts';
import { definesTests, publicMembers, untestedMembers } from './support/method-coverage.ts';

const engineDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The text of every file under `dir` whose name ends with `suffix` (node_modules and dist left out). */
function sourcesUnder(dir: string, suffix = '.ts'): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).flatMap((entry) => {
    const file = path.join(entry.parentPath, entry.name);
    if (!entry.isFile() || !entry.name.endsWith(suffix)) return [];
    if (/[/\\](node_modules|dist)[/\\]/.test(file)) return [];
    return [fs.readFileSync(file, 'utf8')];
  });
}

describe('the public methods of WorkflowEngine', () => {
  it('each has a test that calls it or names it in its title', () => {
    const members = publicMembers(WorkflowEngine.prototype);
    expect(members).toContain('enqueueWorkflow');
    const sources = [
      ...sourcesUnder(path.join(engineDir, 'test')),
      ...sourcesUnder(path.join(engineDir, 'src'), '.test.ts'),
    ].filter(definesTests);
    const untested = untestedMembers(members, sources);
    expect(
      untested,
      `WorkflowEngine methods with no test naming them: ${untested.join(', ')}. Add a test in ` +
        'packages/engine that calls each (or names it in its title).',
    ).toEqual([]);
  });

  it('the check reports a method no test names, and accepts a call or a title', () => {
    class Sample {
      called(): void {}
      titled(): void {}
      forgotten(): void {}
      get size(): number {
        return 0;
      }
    }
    expect(publicMembers(Sample.prototype)).toEqual(['called', 'forgotten', 'size', 'titled']);
    const tests = [
      "it('works', () => { sample.called(); expect(sample.size).toBe(0); });",
      'test(`titled returns nothing`, () => expect(1).toBe(1));',
      'export const helper = () => sample.forgotten();', // no test in this file: does not count
    ];
    expect(untestedMembers(publicMembers(Sample.prototype), tests)).toEqual(['forgotten']);
    expect(untestedMembers(['size'], ["it('x', () => expect(resize(1)).toBe(1));"])).toEqual([
      'size',
    ]);
    expect(definesTests('it.each([1, 2])("n %i", () => {})')).toBe(true);
    expect(definesTests('const bit = /x/.test(input);')).toBe(false);
  });
});
