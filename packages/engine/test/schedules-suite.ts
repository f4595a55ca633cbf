import {
  type ExecutionStore,
  type ExecutionSummary,
  InvalidTriggerError,
  NodeRegistry,
  successResult,
  type WorkflowDefinition,
  WorkflowNotFoundError,
} from '@spane/core';
import { WorkflowQueues } from '@spane/queue';
import { waitFor } from '@spane/test-support';
import { describe, expect, it } from 'vitest';
import { type EngineTarget, engineFixture, startEngine } from './harness.ts';

/** The executions a schedule started (records that only hold a schedule's data are left out). */
export async function scheduledRuns(
  store: ExecutionStore,
  workflowId: string,
): Promise<ExecutionSummary[]> {
  const page = await store.getExecutionsByWorkflow(workflowId, { limit: 1000 });
  return page.items.filter((item) => item.metadata.trigger === 'schedule');
}

const echo = () =>
  new NodeRegistry().register('echo', async (ctx) => successResult({ input: ctx.inputData }));

const workflow = (
  id: string,
  triggers: WorkflowDefinition['triggers'] = [],
): WorkflowDefinition => ({
  id,
  nodes: [{ id: 'a', type: 'echo' }],
  triggers,
});

/** The schedule tests, run once per queue backend. */
export function defineScheduleSuite(target: EngineTarget): void {
  describe(`schedules: ${target.name}`, () => {
    const { setup, track } = engineFixture(target);

    it(`${target.name}: an every schedule fires at least twice, is listed, then removed`, async () => {
      const { engine, store } = await setup(echo(), [workflow('tick')]);
      const id = await engine.registerSchedule({
        workflowId: 'tick',
        every: 300,
        initialData: { n: 1 },
      });
      expect(id).toBe('schedule:tick:every:300');
      const listed = await engine.getJobSchedulers();
      expect(listed).toEqual([
        expect.objectContaining({ id, workflowId: 'tick', every: 300, fromDefinition: false }),
      ]);
      expect(typeof listed[0]?.next).toBe('number');
      const runs = await waitFor(
        async () => {
          const found = await scheduledRuns(store, 'tick');
          return found.length >= 2 ? found : undefined;
        },
        { what: 'two executions of the interval schedule', timeoutMs: 20_000 },
      );
      for (const run of runs) {
        expect(run.metadata).toMatchObject({ trigger: 'schedule', schedulerId: id });
        expect(Number.isNaN(Date.parse(run.metadata.scheduledFor as string))).toBe(false);
      }
      const first = await engine.waitForExecution(runs[0]?.executionId as string);
      expect(first.status).toBe('completed');
      expect(first.initialData).toEqual({ n: 1 });
      expect(await engine.removeSchedule(id)).toBe(true);
      expect(await engine.getJobSchedulers()).toEqual([]);
      expect(await engine.getJobScheduler(id)).toBeUndefined();
      expect(await engine.removeSchedule(id)).toBe(false);
    });

    it(`${target.name}: a per-second cron fires at least twice, one execution per tick`, async () => {
      const { engine, store } = await setup(echo(), [workflow('secondly')]);
      const id = await engine.registerScheduleWithUpsert('secondly', '* * * * * *', 'Europe/Paris');
      expect(id).toBe('schedule:secondly:* * * * * *');
      expect(await engine.getJobScheduler(id)).toMatchObject({
        id,
        workflowId: 'secondly',
        pattern: '* * * * * *',
        tz: 'Europe/Paris',
      });
      const runs = await waitFor(
        async () => {
          const found = await scheduledRuns(store, 'secondly');
          return found.length >= 2 ? found : undefined;
        },
        { what: 'two executions of the per-second cron', timeoutMs: 20_000 },
      );
      const ticks = runs.map((run) => run.metadata.scheduledFor as string);
      expect(new Set(ticks).size).toBe(ticks.length);
      for (const tick of ticks) expect(new Date(tick).getUTCMilliseconds()).toBe(0);
      expect(await engine.removeWorkflowSchedulers('secondly')).toBe(1);
      expect(await engine.removeWorkflowSchedulers('secondly')).toBe(0);
    });

    it(`${target.name}: a bad cron, zone, interval or date range is a typed error and registers nothing`, async () => {
      const { engine, store } = await setup(echo(), [workflow('bad')]);
      const cases: Array<[Parameters<typeof engine.registerSchedule>[0], string]> = [
        [{ workflowId: 'bad', cron: '61 * * * *' }, 'cron'],
        [{ workflowId: 'bad', cron: 'every day' }, 'cron'],
        [{ workflowId: 'bad', cron: '0 9 * * *', timezone: 'Mars/Olympus' }, 'timezone'],
        [{ workflowId: 'bad', every: 0 }, 'every'],
        [{ workflowId: 'bad', every: -1000 }, 'every'],
        [
          {
            workflowId: 'bad',
            every: 1000,
            startDate: '2031-01-02T00:00:00Z',
            endDate: '2031-01-01T00:00:00Z',
          },
          'endDate',
        ],
      ];
      for (const [spec, path] of cases) {
        const error = await engine.registerSchedule(spec).catch((thrown: unknown) => thrown);
        expect(error).toBeInstanceOf(InvalidTriggerError);
        expect((error as InvalidTriggerError).code).toBe('INVALID_TRIGGER');
        expect((error as InvalidTriggerError).issues.map((issue) => issue.path)).toEqual([path]);
      }
      await expect(engine.registerSchedule('bad', 'nope nope')).rejects.toBeInstanceOf(
        InvalidTriggerError,
      );
      await expect(engine.registerSchedule('not-registered', '* * * * *')).rejects.toBeInstanceOf(
        WorkflowNotFoundError,
      );
      const invalid = await engine
        .registerWorkflow(
          workflow('bad-def', [
            { type: 'schedule', config: { every: 1000 } },
            { type: 'schedule', config: { cron: '0 25 * * *', timezone: 'America/New_York' } },
            { type: 'schedule', config: { cron: '0 9 * * *', timezone: 'New York' } },
          ]),
        )
        .catch((thrown: unknown) => thrown);
      expect(invalid).toBeInstanceOf(InvalidTriggerError);
      expect((invalid as InvalidTriggerError).issues.map((issue) => issue.path)).toEqual([
        'triggers[1].config.cron',
        'triggers[2].config.timezone',
      ]);
      expect(await engine.getJobSchedulers()).toEqual([]);
      expect(await engine.getWorkflow('bad-def')).toBeUndefined();
      expect(await store.getWorkflow('bad-def')).toBeNull();
    });

    it(`${target.name}: next runs of 0 9 * * * in New York are 13:00 UTC in summer, 14:00 UTC in winter`, async () => {
      const { engine } = await setup(echo(), [workflow('ny-summer'), workflow('ny-winter')]);
      const summer = await engine.registerSchedule({
        workflowId: 'ny-summer',
        cron: '0 9 * * *',
        timezone: 'America/New_York',
        startDate: '2031-07-01T00:00:00Z',
      });
      const winter = await engine.registerSchedule({
        workflowId: 'ny-winter',
        cron: '0 9 * * *',
        timezone: 'America/New_York',
        startDate: new Date('2031-01-15T00:00:00Z'),
      });
      expect(new Date((await engine.getJobScheduler(summer))?.next as number).toISOString()).toBe(
        '2031-07-01T13:00:00.000Z',
      );
      expect(new Date((await engine.getJobScheduler(winter))?.next as number).toISOString()).toBe(
        '2031-01-15T14:00:00.000Z',
      );
    });

    it(`${target.name}: registerWorkflow keeps a definition's schedulers in step with its triggers`, async () => {
      // No workers: no run moves a scheduler on, so "nothing changes" includes its next run.
      const { engine, store } = await setup(echo(), [], { workers: false });
      const v1 = workflow('daily', [
        { type: 'schedule', config: { cron: '0 9 * * *', timezone: 'America/New_York' } },
        { type: 'schedule', config: { every: 3_600_000 } },
      ]);
      await engine.registerWorkflow(v1);
      const manual = await engine.registerSchedule('daily', '0 0 1 * *');
      const before = await engine.getJobSchedulers();
      expect(before.map((s) => [s.id, s.fromDefinition]).sort()).toEqual([
        ['schedule:daily:0 0 1 * *', false],
        ['schedule:daily:0 9 * * *', true],
        ['schedule:daily:every:3600000', true],
      ]);
      // The same definition again, from this engine and from a second one: nothing changes.
      const second = await startEngine({
        registry: echo(),
        store,
        connection: target.queue.connection(),
        config: { prefix: engine.getConfig().prefix },
        workers: false,
      });
      track(second);
      await engine.registerWorkflow(v1);
      await Promise.all([
        second.registerWorkflow(structuredClone(v1)),
        engine.registerWorkflow(v1),
      ]);
      expect(await engine.getJobSchedulers()).toEqual(before);
      // A new version drops the interval and moves the cron: the old schedulers go.
      const v2 = workflow('daily', [
        { type: 'schedule', config: { cron: '30 9 * * *', timezone: 'America/New_York' } },
      ]);
      expect((await engine.registerWorkflow(v2)).version).toBe(2);
      const after = await engine.getJobSchedulers();
      expect(after.map((s) => s.id).sort()).toEqual([manual, 'schedule:daily:30 9 * * *'].sort());
      expect(after.find((s) => s.id === 'schedule:daily:30 9 * * *')).toMatchObject({
        workflowId: 'daily',
        pattern: '30 9 * * *',
        tz: 'America/New_York',
        fromDefinition: true,
      });
      // No triggers at all: only the schedule made by registerSchedule is left.
      await engine.registerWorkflow(workflow('daily'));
      expect((await engine.getJobSchedulers()).map((s) => s.id)).toEqual([manual]);
    });

    it(`${target.name}: tick data above the claim-check threshold stays in the store`, async () => {
      const { engine, store } = await setup(echo(), [workflow('big-tick')], {
        config: { payloadThreshold: 1024 },
      });
      const initialData = { blob: 'x'.repeat(8 * 1024) };
      const id = await engine.registerSchedule({
        workflowId: 'big-tick',
        every: 400,
        initialData,
      });
      const queues = new WorkflowQueues({
        connection: target.queue.connection(),
        prefix: engine.getConfig().prefix,
      });
      try {
        const data = (await queues.schedulers.get(id))?.data;
        expect(data?.initialData).toBeUndefined();
        expect(typeof data?.initialDataRef).toBe('string');
        expect(JSON.stringify(data).length).toBeLessThan(1024);
      } finally {
        await queues.close();
      }
      const [run] = await waitFor(
        async () => {
          const found = await scheduledRuns(store, 'big-tick');
          return found.length >= 1 ? found : undefined;
        },
        { what: 'an execution of the large-data schedule', timeoutMs: 20_000 },
      );
      expect(await engine.removeSchedule(id)).toBe(true);
      const done = await engine.waitForExecution(run?.executionId as string);
      expect(done.initialData).toEqual(initialData);
      expect(done.nodeResults.a?.data).toEqual({ input: initialData });
    });
  });
}
