import { describe, expect, it } from 'vitest';
import { validateWorkflowDefinitionSafe } from '../schema/validate-workflow.ts';
import {
  checkDeclaredSchedules,
  checkSchedule,
  declaredSchedules,
  isIanaTimeZone,
  schedulerIdOf,
} from './schedule-spec.ts';

const paths = (issues: { path: string }[]) => issues.map((issue) => issue.path);

describe('schedule specs', () => {
  it('names schedulers schedule:{workflowId}:{pattern}, and every:{ms} for intervals', () => {
    expect(schedulerIdOf({ workflowId: 'report', cron: ' 0 9 * * * ' })).toBe(
      'schedule:report:0 9 * * *',
    );
    expect(schedulerIdOf({ workflowId: 'report', every: 5000 })).toBe('schedule:report:every:5000');
  });

  it('knows IANA zones from the runtime and refuses offsets and made-up names', () => {
    for (const zone of ['UTC', 'America/New_York', 'Europe/London', 'Asia/Kolkata']) {
      expect(isIanaTimeZone(zone)).toBe(true);
    }
    for (const zone of ['Mars/Olympus', '+01:00', '', 'EST5EDT6']) {
      expect(isIanaTimeZone(zone)).toBe(false);
    }
  });

  it('accepts a well-formed cron or interval schedule', () => {
    expect(checkSchedule({ workflowId: 'w', cron: '0 9 * * *', timezone: 'Europe/Paris' })).toEqual(
      [],
    );
    expect(checkSchedule({ workflowId: 'w', every: 1000, limit: 3 })).toEqual([]);
  });

  it('names each bad field: interval, zone, limit, dates, cron and every together', () => {
    expect(paths(checkSchedule({ workflowId: 'w', every: 0 }))).toEqual(['every']);
    expect(paths(checkSchedule({ workflowId: 'w', every: -5 }))).toEqual(['every']);
    expect(paths(checkSchedule({ workflowId: 'w', every: 1.5 }))).toEqual(['every']);
    expect(
      paths(checkSchedule({ workflowId: 'w', cron: '* * * * *', timezone: 'Nowhere/City' })),
    ).toEqual(['timezone']);
    expect(paths(checkSchedule({ workflowId: 'w', every: 10, limit: 0 }))).toEqual(['limit']);
    expect(
      paths(
        checkSchedule({
          workflowId: 'w',
          every: 10,
          startDate: '2030-01-02T00:00:00Z',
          endDate: '2030-01-01T00:00:00Z',
        }),
      ),
    ).toEqual(['endDate']);
    expect(paths(checkSchedule({ workflowId: 'w', every: 10, startDate: 'soon' }))).toEqual([
      'startDate',
    ]);
    expect(paths(checkSchedule({ workflowId: 'w', cron: '* * * * *', every: 10 }))).toEqual([
      'every',
    ]);
    expect(paths(checkSchedule({ workflowId: 'w' }))).toEqual(['cron']);
  });

  it('asks the given cron checker about the pattern, in its zone', () => {
    const seen: unknown[] = [];
    const issues = checkSchedule(
      { workflowId: 'w', cron: 'nope', timezone: 'UTC' },
      {
        path: 'triggers[0].config',
        checkCron: (pattern, zone) => {
          seen.push([pattern, zone]);
          return 'bad field';
        },
      },
    );
    expect(seen).toEqual([['nope', 'UTC']]);
    expect(issues).toEqual([
      {
        path: 'triggers[0].config.cron',
        message: '"nope" is not a valid cron pattern: bad field',
        kind: 'trigger',
      },
    ]);
  });

  it('reads the schedule triggers of a definition with their paths', () => {
    const definition = {
      id: 'wf',
      triggers: [
        { type: 'webhook' as const, config: { path: 'x' } },
        { type: 'schedule' as const, config: { every: 100, data: { a: 1 } } },
      ],
    };
    expect(declaredSchedules(definition)).toEqual([
      { path: 'triggers[1]', spec: { workflowId: 'wf', every: 100, initialData: { a: 1 } } },
    ]);
  });

  it('rejects two triggers of a definition that share one scheduler id', () => {
    const issues = checkDeclaredSchedules({
      id: 'wf',
      triggers: [
        { type: 'schedule', config: { cron: '0 9 * * *', timezone: 'UTC' } },
        { type: 'schedule', config: { cron: '0 9 * * *', timezone: 'Europe/Paris' } },
      ],
    });
    expect(paths(issues)).toEqual(['triggers[1]']);
  });

  it('reports trigger problems from validateWorkflowDefinitionSafe with their paths', () => {
    const result = validateWorkflowDefinitionSafe({
      id: 'wf',
      nodes: [{ id: 'a', type: 'noop' }],
      triggers: [{ type: 'schedule', config: { every: 1000, timezone: 'Nowhere/City' } }],
    });
    expect(result.success).toBe(false);
    expect(result.errors?.map((issue) => [issue.path, issue.kind])).toEqual([
      ['triggers[0].config.timezone', 'trigger'],
    ]);
  });
});
